"""Build the Pages view for the desk window, or run it alone.

The desk window adds it as a tab: ``window.add_view(make_pages_view(...), "Pages")``. On its
own (a clinic without a server, publishing to a shared folder or a USB stick):

    python -m kiosk.ui.desk.pages.launcher --drafts ~/clinic-pages --store /media/usb/kiosk-pages
    python -m kiosk.ui.desk.pages.launcher --drafts ~/clinic-pages --server "service=clinic-desk"

The drafts folder is the desk's own working copy; an empty one starts from the newest version
in the store, else from the pages shipped with the kiosk.
"""

from __future__ import annotations

import argparse
import getpass
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from kiosk.config import Settings, load_settings
from kiosk.content.last_good import BUNDLED_CONTENT
from kiosk.content.versions import FolderVersionStore, VersionStore, live_at
from kiosk.ui.desk.pages.pages_view import PagesView


def start_drafts(drafts: Path, store: VersionStore) -> None:
    """Fill an empty drafts folder: the version patients see now, else the shipped pages."""
    if drafts.is_dir() and any(drafts.iterdir()):
        return
    live = live_at(store.history(), datetime.now(UTC))
    if live is None:
        shutil.copytree(BUNDLED_CONTENT, drafts, dirs_exist_ok=True)
        return
    with tempfile.TemporaryDirectory(prefix="desk-start-") as temp:
        store.export(live.number, Path(temp) / "content")
        shutil.copytree(Path(temp) / "content", drafts, dirs_exist_ok=True)


def make_pages_view(settings: Settings, drafts: Path, store: VersionStore,
                    author: str) -> PagesView:
    start_drafts(drafts, store)
    return PagesView(settings, drafts, store, author)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk-pages", description=__doc__)
    parser.add_argument("--drafts", type=Path, required=True)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--store", type=Path, help="a folder: a shared drive or a USB stick")
    where.add_argument("--server", help="the clinic server (a libpq connection string)")
    parser.add_argument("--config", type=Path)
    parser.add_argument("--author", default=getpass.getuser())
    options = parser.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.services import fonts

    app = QApplication([sys.argv[0]])
    fonts.load_fonts(app)
    settings = load_settings(options.config, content_dir=options.drafts)
    store: VersionStore
    if options.server:
        from kiosk.server.page_versions import PgVersionStore

        store = PgVersionStore(options.server)
    else:
        store = FolderVersionStore(options.store)
    view = make_pages_view(settings, options.drafts, store, options.author)
    view.setWindowTitle("Clinic pages")
    view.resize(1600, 1000)
    view.show()
    code = app.exec()
    view.stop()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
