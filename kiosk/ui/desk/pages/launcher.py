"""Build the Pages view: the desk window's Pages tab (``kiosk desk``, versions on the clinic
server), or alone (``kiosk pages --store DIR``, versions in a shared folder or on a USB
stick); both are wired in ``kiosk.desk_app``.

The drafts folder is the desk's own working copy; an empty one starts from the newest version
in the store, else from the pages shipped with the kiosk.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from kiosk.config import Settings
from kiosk.content.draft_folder import start_drafts
from kiosk.content.versions import VersionStore
from kiosk.ui.desk.pages.pages_view import PagesView
from kiosk.ui.desk.pages.publisher import STORE_ERRORS


def make_pages_view(settings: Settings, drafts: Path, store: VersionStore,
                    author: str) -> PagesView:
    # Unreachable: the view says the versions cannot be read, and starts the drafts once
    # they can (never from the shipped pages, which could then be published over newer ones).
    with contextlib.suppress(*STORE_ERRORS):
        start_drafts(drafts, store)
    return PagesView(settings, drafts, store, author)
