"""Real small disks for tests: a tmpfs that can be filled up or made read-only.

Mounting needs root (or CAP_SYS_ADMIN); elsewhere the tests that need it are skipped with
that reason, and `read_only_folder` falls back to a folder without write permission (which
root ignores, so there it needs the mount).
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_tmpfs(where: Path, size: str = "256k") -> Iterator[Path]:
    """A fresh tmpfs of ``size`` mounted on ``where`` (made if need be), unmounted after."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                           str(where)], capture_output=True, text=True, timeout=30,
                          check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30,
                       check=False)


def fill(folder: Path) -> int:
    """Write into ``folder`` until the disk says it is full; return the bytes written."""
    written = 0
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for chunk in (1 << 16, 1 << 12, 1):
            while True:
                try:
                    written += os.write(fd, b"\0" * chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    return written


def make_read_only(where: Path) -> None:
    """Remount the tmpfs at ``where`` read-only: root cannot write there either."""
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True, capture_output=True,
                   timeout=30)
