"""What the last passing check saw, so a start with the very same bytes needs no second check.

Checking the content (Markdown, the CommonMark yardstick, every picture decoded and every
drawing drawn once in a child process) is most of a kiosk's start, and almost every start
shows the same files as the last one. When a check passes and its pages are in the last good
copy, this record keeps the sha256 of every file in the live folder and of every file the
copy shows, every entry of the folders the check reads (a link, a sub-folder or a pipe is
judged by the check by what it is, not by its bytes: a folder with any link in it is always
checked in full), the pages as checked, and what the check depended on: the settings (languages,
limits, theme, page values: the whole of kiosk.toml as read), the program's own source, and
the day. A later load whose files all have those hashes gets the recorded pages without a
second check: the same bytes passed, so nothing unchecked is shown. Anything else (a file
changed, added or removed in either folder, a setting, a new program version, the clock set
back before the check's day, a record that cannot be read) means the full check, as before.
Qt-free.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import stat
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.config import Settings
from kiosk.content.files import IMAGES_FOLDER, Fingerprint, fingerprint
from kiosk.content.model import ContentSet, Problem, Review, Section, Severity, Source
from kiosk.private_files import write_atomic

log = logging.getLogger(__name__)

FORMAT = 1
PROGRAM_ROOT = Path(__file__).resolve().parent.parent  # the kiosk package
# The recorded pages, the check's warnings, and the live folder's fingerprint.
Reused = tuple[ContentSet, list[Problem], Fingerprint]


def record_path(settings: Settings) -> Path:
    copy = settings.last_good_content_dir
    return copy.with_name(copy.name + ".checked.json")


@functools.cache  # once a process: the program does not change under it
def program_key() -> str:
    """The sha256 of every module of the program: a new version (or any edit) differs."""
    digest = hashlib.sha256()
    for path in sorted(PROGRAM_ROOT.rglob("*.py")):
        digest.update(str(path.relative_to(PROGRAM_ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def settings_key(settings: Settings) -> str:
    """Every setting as read from kiosk.toml and the command line (a changed limit, theme,
    language or folder could change what the check says)."""
    return hashlib.sha256(repr(settings).encode()).hexdigest()


def file_hashes(root: Path, names: list[str] | tuple[str, ...]) -> dict[str, str] | None:
    """sha256 of each ``folder/name`` under ``root``; None if one cannot be read."""
    hashes = {}
    for name in names:
        try:
            hashes[name] = hashlib.sha256((root / name).read_bytes()).hexdigest()
        except OSError:
            return None
    return hashes


Snapshot = dict[str, Any]


def snapshot(root: Path, languages: tuple[str, ...]) -> Snapshot | None:
    """Every entry of the language and images folders with its kind, and the sha256 of each
    regular file; None if there is a link among them (or the folders are links), or an entry
    cannot be read: the check then judges them."""
    entries: list[list[Any]] = []
    files: list[str] = []
    for folder in (*languages, IMAGES_FOLDER):
        try:
            mode = (root / folder).lstat().st_mode
        except FileNotFoundError:
            entries.append([folder, "missing"])
            continue
        except OSError:
            return None
        if stat.S_ISLNK(mode) or not stat.S_ISDIR(mode):
            return None
        try:
            children = sorted((root / folder).iterdir())
            kinds = [(child.name, child.lstat().st_mode) for child in children]
        except OSError:
            return None
        for name, child_mode in kinds:
            if stat.S_ISLNK(child_mode):
                return None
            entries.append([f"{folder}/{name}", stat.S_IFMT(child_mode)])
            if stat.S_ISREG(child_mode):
                files.append(f"{folder}/{name}")
    hashes = file_hashes(root, files)
    if hashes is None:
        return None
    return {"entries": entries, "hashes": hashes}


def save(settings: Settings, live: Snapshot, shown: ContentSet,
         problems: list[Problem], *, today: date) -> None:
    """Record a check that passed: ``live`` the live folder as checked,
    ``shown`` the pages in the last good copy, ``problems`` the check's warnings."""
    copy = settings.last_good_content_dir
    used = sorted({str(path.relative_to(copy)) for sections in shown.by_language.values()
                   for s in sections for path in (s.source, s.image)})
    copy_hashes = file_hashes(copy, used)
    if copy_hashes is None:
        return
    record = {
        "format": FORMAT, "program": program_key(), "settings": settings_key(settings),
        "checked_on": today.isoformat(), "live": live, "copy": copy_hashes,
        "default_language": shown.default_language,
        "sections": {lang: [_section_data(s) for s in sections]
                     for lang, sections in shown.by_language.items()},
        "problems": [[str(p.path), p.line, p.message, p.severity.value] for p in problems],
    }
    try:
        write_atomic(record_path(settings), json.dumps(record).encode())
    except OSError as e:
        log.info("could not record the content check (%s); the next start checks again", e)


def forget(settings: Settings) -> None:
    record_path(settings).unlink(missing_ok=True)


def reuse(settings: Settings, *, today: date) -> Reused | None:
    """The recorded pages, warnings and live fingerprint if every file in the live folder
    and the last good copy has the bytes that passed, under the same settings and program;
    else None (check in full)."""
    try:
        record = json.loads(record_path(settings).read_bytes())
    except (OSError, ValueError):
        return None
    try:
        if (record["format"] != FORMAT or record["settings"] != settings_key(settings)
                or record["program"] != program_key()
                or date.fromisoformat(record["checked_on"]) > today):
            return None
        # Listed before the bytes are read: a file saved after this is a new fingerprint,
        # which the watcher notices and checks.
        live = fingerprint(settings.content_dir, settings.languages)
        if (snapshot(settings.content_dir, settings.languages) != record["live"]
                or file_hashes(settings.last_good_content_dir, sorted(record["copy"]))
                != record["copy"]):
            return None
        content = ContentSet(record["default_language"], {
            lang: tuple(_section(data) for data in sections)
            for lang, sections in record["sections"].items()})
        problems = [Problem(Path(path), line, message, Severity(severity))
                    for path, line, message, severity in record["problems"]]
    except (KeyError, TypeError, ValueError) as e:
        log.info("the record of the last content check cannot be used (%s); checking", e)
        return None
    return content, problems, live


def _section_data(section: Section) -> dict[str, Any]:
    review = section.review
    return {
        "slug": section.slug, "order": section.order, "title": section.title,
        "image": str(section.image), "image_alt": section.image_alt, "html": section.html,
        "language": section.language, "source": str(section.source),
        "more_info": section.more_info,
        "review": {"by": review.reviewed_by,
                   "on": review.reviewed_on.isoformat() if review.reviewed_on else None,
                   "sources": [[s.title, s.url] for s in review.sources]},
    }


def _section(data: dict[str, Any]) -> Section:
    review = data["review"]
    return Section(
        slug=data["slug"], order=data["order"], title=data["title"], image=Path(data["image"]),
        image_alt=data["image_alt"], html=data["html"], language=data["language"],
        source=Path(data["source"]), more_info=data["more_info"],
        review=Review(review["by"],
                      date.fromisoformat(review["on"]) if review["on"] is not None else None,
                      tuple(Source(title, url) for title, url in review["sources"])))
