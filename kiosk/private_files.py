"""Files only the kiosk user can read (0600) in folders only it can open (0700).

Every file here is created with its final mode in the ``open`` call itself, never made
first and ``chmod``-ed afterwards, so there is no moment when another user could open it.
Whole-file writes go to a temporary file in the same folder that is flushed, ``fsync``-ed
and then renamed over the target, so a crash or a full disk leaves the old file or the new
one, never half of one. Qt-free.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700
# The desk app runs on Windows too, which has neither flag (nor a folder to fsync: NTFS
# journals its own renames); O_NOINHERIT is its O_CLOEXEC.
_CLOEXEC = getattr(os, "O_CLOEXEC", 0) or getattr(os, "O_NOINHERIT", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", None)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) as 0700; take group/other access off one that exists.

    Unlike a plain ``chmod 0700`` this never *adds* access: a folder someone made read-only
    stays read-only, so the kiosk reports it instead of quietly making it writable again.
    """
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        try:
            path.chmod(mode & ~0o077)
        except PermissionError:
            # Someone else owns it (IT set it up); we cannot tighten it, so say so.
            log.warning("cannot make %s private (mode %o); check who owns it", path, mode)
    return path


def restrict(path: Path) -> None:
    """Take group/other access off an existing file (older installs, files others made)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & ~0o077)
    except FileNotFoundError:
        pass
    except PermissionError:
        log.warning("cannot make %s private; check who owns it", path)


def open_private(path: Path, flags: int) -> int:
    """``os.open`` with mode 0600 for a file it creates; returns the descriptor."""
    return os.open(path, flags | _CLOEXEC, FILE_MODE)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` survive a power cut."""
    if _DIRECTORY is None:
        return
    fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _staged(path: Path, data: bytes) -> Iterator[Path]:
    """A 0600 temporary file next to ``path`` holding ``data``, on disk; removed afterwards."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    staged = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        yield staged
    finally:
        staged.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once; the file is 0600."""
    with _staged(path, data) as staged:
        staged.replace(path)
    fsync_dir(path.parent)


def create_exclusive(path: Path, data: bytes) -> None:
    """Write a new file holding ``data`` all at once; raise FileExistsError if there is one.

    The complete file is linked into place, so there is never a moment when ``path`` exists
    but holds only part of ``data``, and an existing file is never replaced.
    """
    with _staged(path, data) as staged:
        os.link(staged, path)
    fsync_dir(path.parent)


def touch_private(path: Path) -> None:
    """Create ``path`` as an empty 0600 file, or take group/other access off the one there.

    An existing file is not opened for writing here: whether it can be written is for its
    user to find out and report (a read-only database is still readable).
    """
    try:
        os.close(open_private(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        restrict(path)
