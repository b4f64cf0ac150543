"""Keep a copy of the last content that passed every check, and fall back to it.

The live folder is where staff edit. If a typo is saved while the kiosk is off, the kiosk
must still start with the pages patients saw before, so each time the live folder loads
cleanly it is copied to ``<data>/last-good-content``; at start-up the kiosk tries the live
folder, then that copy, then the content shipped with the program.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import RESOURCES, Settings, make_private_dir
from kiosk.content.loader import IMAGES_FOLDER, LoadResult, load_content

log = logging.getLogger(__name__)

BUNDLED_CONTENT = RESOURCES / "content"


@dataclass
class StartupContent:
    result: LoadResult
    source: Path
    # Problems of the live folder when a fallback had to be used, for the staff panel.
    live_result: LoadResult


def save_snapshot(root: Path, settings: Settings) -> None:
    """Copy the content folder to the last-good folder, replacing the old copy atomically."""
    target = settings.last_good_content_dir
    make_private_dir(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=".last-good-", dir=target.parent))
    try:
        for folder in (*settings.languages, IMAGES_FOLDER):
            source = root / folder
            if source.is_dir():
                shutil.copytree(source, staging / folder, symlinks=False)
        retired = target.with_name(target.name + ".old")
        if retired.exists():
            shutil.rmtree(retired)
        if target.exists():
            target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def load_live(settings: Settings, root: Path | None = None) -> LoadResult:
    return load_content(root or settings.content_dir, settings.languages,
                        settings.default_language)


def load_for_startup(settings: Settings) -> StartupContent:
    """The best content available: live folder, else the last good copy, else the bundled one."""
    live = load_live(settings)
    if live.ok:
        try:
            save_snapshot(settings.content_dir, settings)
        except OSError as e:
            log.warning("could not save a copy of the good content: %s", e)
        return StartupContent(live, settings.content_dir, live)

    log.error("content in %s has %d error(s); using a fallback", settings.content_dir,
              len(live.errors))
    for problem in live.errors:
        log.error("%s", problem)
    for fallback in (settings.last_good_content_dir, BUNDLED_CONTENT):
        if fallback.resolve() == settings.content_dir.resolve():
            continue
        result = load_live(settings, fallback)
        if result.ok:
            log.warning("showing the content from %s until the errors are fixed", fallback)
            return StartupContent(result, fallback, live)
    return StartupContent(live, settings.content_dir, live)
