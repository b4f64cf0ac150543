"""`kiosk publish SRC`: check a whole content folder, then swap it in for the live one at once.

Copying pages into the live folder one by one (a slow share, a USB stick) shows the kiosk a
folder that is half old, half new, and a page that is half written; the watcher waits for a
folder to stay the same (settle.py), but only a swap is instant and whole. So: check SRC with
every limit, copy it beside the live folder (same file system), check the copy, and exchange
the two folders in one step (renameat2 with RENAME_EXCHANGE: at every moment the live path
is either the old folder or the new one). Where the file system cannot exchange, two renames
leave the path missing for a moment; the watcher then keeps showing the last good content.

Only what the check accepted is published: the pages and the pictures they show. Not the
dot-files, editor backups and unused pictures the check skips (a stick can carry anything),
and never a file reached by a link out of SRC: each file is opened where its link leads
inside SRC, without following a link there, and must be a regular file.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import Settings
from kiosk.content.files import Fingerprint
from kiosk.content.folder_budget import MB, room_after_copy
from kiosk.content.last_good import drawing_budget, folder_budget, used_files
from kiosk.content.model import Problem
from kiosk.content.result import LoadResult

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@dataclass
class Published:
    result: LoadResult
    # True when the live folder was replaced; False when SRC had errors (nothing changed).
    swapped: bool


def _load(settings: Settings, root: Path) -> LoadResult:
    from kiosk.content.loader import load_content  # the checker, only when checking

    return load_content(root, settings.languages, settings.default_language,
                        drawings=drawing_budget(settings), folder=folder_budget(settings),
                        page_values=settings.page_values)


class _OutsideSourceError(OSError):
    """A file to publish is a link out of SRC, or not a regular file."""


def _copy_one(source: Path, real_source: Path, name: str, into: Path) -> None:
    real = (source / name).resolve(strict=True)
    if not real.is_relative_to(real_source):
        raise _OutsideSourceError(f"{name} is a link out of the folder")
    # O_NOFOLLOW: a link put in place of the resolved file after resolve() is not followed.
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise _OutsideSourceError(f"{name} became a link") from e
        raise
    with os.fdopen(fd, "rb") as original:
        status = os.fstat(original.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise _OutsideSourceError(f"{name} is not a regular file")
        target = into / name
        target.parent.mkdir(exist_ok=True)
        with target.open("xb") as copy:
            shutil.copyfileobj(original, copy)
    # Readable as the original was (the kiosk may be another user), never executable or
    # writable by others; and its change time, so the copy's fingerprint equals the original's.
    target.chmod(stat.S_IMODE(status.st_mode) & 0o644)
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))


def _copy(source: Path, used: list[str], into: Path) -> None:
    """The pages and pictures the check accepted (``folder/name``), and nothing else."""
    real_source = source.resolve()
    for name in used:
        _copy_one(source, real_source, name, into)


def _used_fingerprint(result: LoadResult, used: list[str]) -> Fingerprint:
    wanted = set(used)
    return tuple(entry for entry in result.fingerprint if entry[0] in wanted)


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


def _short_of_room(source: Path, used: list[str], settings: Settings) -> str | None:
    """Why a copy of ``used`` beside the live folder would leave its disk short of the
    room kept for sign-ups (the content folder may share the data disk), or None."""
    short = room_after_copy(source, used, settings.content_dir.parent, settings.keep_free_mb)
    if short is None:
        return None
    needed, free = short
    return (f"publishing needs {needed / MB:.1f} MB beside the content folder, where only "
            f"{free / MB:.0f} MB is free and {settings.keep_free_mb} MB is kept for sign-ups "
            "(keep_free_for_signups_mb in kiosk.toml); nothing was changed")


def publish(source: Path, settings: Settings) -> Published:
    """Check ``source``; if it has no errors, make it the live content folder at once."""
    result = _load(settings, source)
    if not result.ok or result.content is None:
        return Published(result, swapped=False)
    used = used_files(result.content, source)
    live = settings.content_dir
    live.parent.mkdir(parents=True, exist_ok=True)
    short = _short_of_room(source, used, settings)
    if short:
        return Published(LoadResult(None, [*result.problems, Problem(source, 1, short)],
                                    result.fingerprint), swapped=False)
    staging = Path(tempfile.mkdtemp(prefix=f".{live.name}.publish-", dir=live.parent))
    try:
        # The kiosk (maybe another user) must read it as it read the folder it replaces.
        staging.chmod(live.stat().st_mode & 0o7777 if live.is_dir() else 0o755)
        changed = Problem(source, 1, "the folder changed while it was being published; "
                                     "nothing was changed, publish it again")
        try:
            _copy(source, used, staging)
        except (_OutsideSourceError, FileNotFoundError):
            # The check refused links out of SRC: one there now was put in since.
            return Published(LoadResult(None, [changed], result.fingerprint), swapped=False)
        copy = _load(settings, staging)
        if not copy.ok or copy.fingerprint != _used_fingerprint(result, used):
            return Published(LoadResult(None, [*copy.errors, changed], result.fingerprint),
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
