"""Which files of a content folder the kiosk may read, list and name.

Regular files directly in the language and images folders (links followed, but only if they
stay inside the folder), with names that can be shown in a message: no bytes that are not
UTF-8, no control or invisible characters. The fingerprint of those files (name, size,
change time) tells whether anything changed.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

from kiosk.content.model import Problem, escaped

IMAGES_FOLDER = "images"
# Control characters, invisible formatting (bidi overrides, zero-width), line and paragraph
# separators, and unpaired surrogates (bytes that are not UTF-8).
_INVISIBLE_IN_NAMES = {"Cc", "Cf", "Zl", "Zp", "Cs"}

Fingerprint = tuple[tuple[str, int, int], ...]


def content_files(directory: Path) -> list[tuple[Path, os.stat_result]]:
    """The regular files directly in ``directory`` (links followed), with their status.

    Sub-folders, devices, pipes and links that lead nowhere are not content: they are left
    out of fingerprints and of the last good copy, which take exactly these files.
    """
    try:
        children = sorted(directory.iterdir())
    except OSError:
        return []
    files = []
    for child in children:
        try:
            status = child.stat()
        except OSError:
            continue
        if stat.S_ISREG(status.st_mode):
            files.append((child, status))
    return files


def fingerprint(root: Path, languages: tuple[str, ...]) -> Fingerprint:
    """Name, size and change time of every content file: equal fingerprints, same content."""
    return tuple((f"{folder}/{child.name}", status.st_size, status.st_mtime_ns)
                 for folder in (*languages, IMAGES_FOLDER)
                 for child, status in content_files(root / folder))


def link_problem(path: Path, root: Path) -> str | None:
    """Why ``path`` must not be read: a link that leads out of ``root`` (the resolved content
    folder), nowhere, or round in a circle. None for ordinary files and links kept inside."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return ("this is a link to a file that is not there; put the file itself here"
                if path.is_symlink() else None)
    except (OSError, RuntimeError):
        return "this is a link that goes round in a circle; put the file itself here"
    if not target.is_relative_to(root):
        return ("this is a link to a file outside the content folder; the kiosk only shows "
                "files inside it, so put the file itself here")
    return None


def unreadable_name(path: Path) -> Problem | None:
    """File names that are not UTF-8 cannot be named in a message, a link or a watch list;
    names with control characters, line breaks or invisible formatting (a newline, a terminal
    escape, a right-to-left override) would forge or garble every message that names them."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        readable = os.fsencode(path.name).decode("utf-8", "replace")
        return Problem(path.parent, 1, f"the file name {escaped(readable)!r} is not UTF-8 "
                                       "text; rename it using plain letters, digits and dashes")
    if any(unicodedata.category(ch) in _INVISIBLE_IN_NAMES for ch in path.name):
        return Problem(path.parent, 1, f"the file name '{escaped(path.name)}' has control or "
                                       "invisible characters in it; rename it using plain "
                                       "letters, digits and dashes")
    return None


def picture_folder_problems(images: Path, root: Path) -> list[Problem]:
    """The images folder and every file in it, used or not: all of it is copied for showing,
    so nothing in it may lead outside the content folder."""
    reason = link_problem(images, root)
    if reason:
        return [Problem(images, 1, reason)]
    if not images.is_dir():
        return [Problem(images, 1, "the images folder is missing")]
    problems = []
    try:
        children = sorted(images.iterdir())
    except OSError as e:
        return [Problem(images, 1, f"cannot list this folder: {e.strerror}")]
    for path in children:
        bad_name = unreadable_name(path)
        reason = None if bad_name else link_problem(path, root)
        if bad_name or reason:
            problems.append(bad_name or Problem(path, 1, str(reason)))
    return problems
