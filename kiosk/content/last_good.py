"""Show only content that was checked, from a copy staff cannot change underneath the kiosk.

The live folder is where staff edit. When it checks out, it is copied to a staging folder,
the copy is checked again (so a file saved between the check and the copy is caught), and
the copy replaces ``<data>/last-good-content``. The kiosk shows pages and pictures from that
copy, never from the live folder: deleting or half-copying a picture in the live folder
cannot reach the screen. At start-up the kiosk uses the live folder if it is good, else that
copy, else the content shipped with the program.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import RESOURCES, Settings
from kiosk.content.loader import (
    IMAGES_FOLDER,
    LoadResult,
    content_files,
    fingerprint,
    load_content,
)
from kiosk.content.model import ContentSet, Problem, Section, escaped
from kiosk.private_files import private_dir

log = logging.getLogger(__name__)

BUNDLED_CONTENT = RESOURCES / "content"


@dataclass
class StartupContent:
    result: LoadResult
    source: Path
    # Problems of the live folder when a fallback had to be used, for the staff panel.
    live_result: LoadResult


def load_live(settings: Settings, root: Path | None = None) -> LoadResult:
    return load_content(root or settings.content_dir, settings.languages,
                        settings.default_language)


def _copy(root: Path, settings: Settings, into: Path) -> None:
    """Copy the files a fingerprint covers, and nothing else: no sub-folders, devices or
    pipes (a link to one would otherwise copy a whole tree, or read without end)."""
    for folder in (*settings.languages, IMAGES_FOLDER):
        source = root / folder
        if source.is_dir():
            target = into / folder
            target.mkdir()
            for child, _status in content_files(source):
                # copy2 keeps change times, so the copy's fingerprint equals the original's.
                shutil.copy2(child, target / child.name)


def _moved(content: ContentSet, old: Path, new: Path) -> ContentSet:
    def move(section: Section) -> Section:
        return dataclasses.replace(
            section, image=new / section.image.relative_to(old),
            source=new / section.source.relative_to(old))

    return ContentSet(content.default_language,
                      {lang: tuple(move(s) for s in sections)
                       for lang, sections in content.by_language.items()})


def _already_kept(settings: Settings, live: LoadResult) -> bool:
    """The last good copy has the files just checked, and they did not change meanwhile."""
    target = settings.last_good_content_dir
    return (target.is_dir()
            and fingerprint(target, settings.languages) == live.fingerprint
            and fingerprint(settings.content_dir, settings.languages) == live.fingerprint)


def load_and_keep(settings: Settings) -> tuple[LoadResult, bool]:
    """Check the live folder; if good, make it the last good copy and return the copy's pages.

    Returns (result, settled). ``result.problems`` name the live files staff edit;
    ``result.content``, when there is any, points into the last good copy. ``settled`` is
    False when the folder changed while it was being checked: try again later.
    """
    live = load_live(settings)
    if not live.ok or live.content is None:
        return live, fingerprint(settings.content_dir, settings.languages) == live.fingerprint
    target = settings.last_good_content_dir
    if _already_kept(settings, live):
        # Every start-up after the first, and a save that changed nothing: the copy has
        # these very files, so copying and checking them again (40-60 ms) would add nothing.
        return LoadResult(_moved(live.content, settings.content_dir, target), live.problems,
                          live.fingerprint), True
    private_dir(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=".last-good-", dir=target.parent))
    try:
        _copy(settings.content_dir, settings, staging)
        copy = load_content(staging, settings.languages, settings.default_language)
        if not copy.ok or copy.content is None or copy.fingerprint != live.fingerprint:
            shutil.rmtree(staging, ignore_errors=True)
            return LoadResult(None, [Problem(settings.content_dir, 1, "changed while checked")],
                              live.fingerprint), False
        retired = target.with_name(target.name + ".old")
        if retired.exists():
            shutil.rmtree(retired)
        if target.exists():
            target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        # A full data disk must not hide good content: show it from the live folder.
        log.warning("could not keep a copy of the good content (%s); showing the live folder",
                    escaped(e))
        return live, True
    return LoadResult(_moved(copy.content, staging, target), live.problems,
                      live.fingerprint), True


def load_for_startup(settings: Settings, *, fall_back: bool = True) -> StartupContent:
    """The best content available: live folder, else the last good copy, else the bundled one.

    ``fall_back=False`` (previews) shows only the folder asked for, problems and all.
    """
    live, _settled = load_and_keep(settings)
    if live.ok:
        return StartupContent(live, settings.content_dir, live)

    log.error("content in %s has %d error(s)", escaped(settings.content_dir), len(live.errors))
    for problem in live.errors:
        log.error("%s", problem)
    if not fall_back:
        return StartupContent(live, settings.content_dir, live)
    for fallback in (settings.last_good_content_dir, BUNDLED_CONTENT):
        if fallback.resolve() == settings.content_dir.resolve():
            continue
        result = load_live(settings, fallback)
        if result.ok:
            log.warning("showing the content from %s until the errors are fixed", escaped(fallback))
            return StartupContent(result, fallback, live)
    return StartupContent(live, settings.content_dir, live)
