"""`kiosk publish SRC`: check a whole content folder, then swap it in for the live one at once.

Copying pages into the live folder one by one (a slow share, a USB stick) shows the kiosk a
folder that is half old, half new, and a page that is half written; the watcher waits for a
folder to stay the same (settle.py), but only a swap is instant and whole. So: check SRC with
every limit, copy it beside the live folder (same file system), check the copy, and exchange
the two folders in one step (renameat2 with RENAME_EXCHANGE: at every moment the live path
is either the old folder or the new one). Where the file system cannot exchange, two renames
leave the path missing for a moment; the watcher then keeps showing the last good content.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import Settings
from kiosk.content.files import IMAGES_FOLDER, content_files
from kiosk.content.folder_budget import MB
from kiosk.content.last_good import drawing_budget, folder_budget
from kiosk.content.loader import LoadResult, load_content
from kiosk.content.model import Problem

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@dataclass
class Published:
    result: LoadResult
    # True when the live folder was replaced; False when SRC had errors (nothing changed).
    swapped: bool


def _load(settings: Settings, root: Path) -> LoadResult:
    return load_content(root, settings.languages, settings.default_language,
                        drawings=drawing_budget(settings), folder=folder_budget(settings),
                        page_values=settings.page_values)


def _copy(source: Path, languages: tuple[str, ...], into: Path) -> None:
    """The files a content folder consists of; sub-folders and odd files stay behind."""
    for folder in (*languages, IMAGES_FOLDER):
        if (source / folder).is_dir():
            (into / folder).mkdir()
            for child, _status in content_files(source / folder):
                shutil.copy2(child, into / folder / child.name)  # keeps change times


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step; False if this system or file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                     _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first))


def _short_of_room(source: Path, settings: Settings) -> str | None:
    """Why a copy of ``source`` beside the live folder would leave its disk short of the
    room kept for sign-ups (the content folder may share the data disk), or None."""
    needed = sum(status.st_size for folder in (*settings.languages, IMAGES_FOLDER)
                 for _child, status in content_files(source / folder))
    free = shutil.disk_usage(settings.content_dir.parent).free
    if free - needed >= settings.keep_free_mb * MB:
        return None
    return (f"publishing needs {needed / MB:.1f} MB beside the content folder, where only "
            f"{free / MB:.0f} MB is free and {settings.keep_free_mb} MB is kept for sign-ups "
            "(keep_free_for_signups_mb in kiosk.toml); nothing was changed")


def publish(source: Path, settings: Settings) -> Published:
    """Check ``source``; if it has no errors, make it the live content folder at once."""
    result = _load(settings, source)
    if not result.ok:
        return Published(result, swapped=False)
    live = settings.content_dir
    live.parent.mkdir(parents=True, exist_ok=True)
    short = _short_of_room(source, settings)
    if short:
        return Published(LoadResult(None, [*result.problems, Problem(source, 1, short)],
                                    result.fingerprint), swapped=False)
    staging = Path(tempfile.mkdtemp(prefix=f".{live.name}.publish-", dir=live.parent))
    try:
        # The kiosk (maybe another user) must read it as it read the folder it replaces.
        staging.chmod(live.stat().st_mode & 0o7777 if live.is_dir() else 0o755)
        _copy(source, settings.languages, staging)
        copy = _load(settings, staging)
        if not copy.ok or copy.fingerprint != result.fingerprint:
            problem = Problem(source, 1, "the folder changed while it was being published; "
                                         "nothing was changed, publish it again")
            return Published(LoadResult(None, [*copy.errors, problem], result.fingerprint),
                             swapped=False)
        if not live.exists():
            staging.rename(live)
        elif not exchange(staging, live):
            retired = live.with_name(f"{staging.name}.old")
            live.rename(retired)
            staging.rename(live)
            staging = retired
    finally:
        # After an exchange, the staging path holds the old folder.
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(staging)
    return Published(result, swapped=True)
