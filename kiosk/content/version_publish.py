"""Publish a content folder as a new version: only after the full `kiosk check`, and only the
files its pages use. Qt-free; the desk's Publish button and a USB package both come here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.config import Settings
from kiosk.content.last_good import load_live, used_files
from kiosk.content.loader import LoadResult
from kiosk.content.versions import VersionInfo, VersionStore


@dataclass(frozen=True)
class PublishOutcome:
    result: LoadResult
    # None when the check found an error: nothing was published.
    version: VersionInfo | None


def publish_checked(source: Path, settings: Settings, store: VersionStore, *, author: str,
                    note: str, starts_at: datetime | None = None,
                    now: datetime | None = None) -> PublishOutcome:
    """Check ``source`` with every limit the kiosks use; if it has no error, keep the files
    its pages use as the store's next version."""
    result = load_live(settings, source)
    if not result.ok or result.content is None:
        return PublishOutcome(result, None)
    names = used_files(result.content, source)
    version = store.publish(source, names, author=author, note=note, starts_at=starts_at,
                            now=now)
    return PublishOutcome(result, version)
