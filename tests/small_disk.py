"""Real small disks for tests: a tmpfs that can be filled up or made read-only.

Mounting needs root (or CAP_SYS_ADMIN); elsewhere the tests that need it are skipped with
that reason. Under CI (``CI=true``, where the tests run as root) they fail instead: the
full-disk and read-only tests must never silently not run there.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest


@contextlib.contextmanager
def small_tmpfs(where: Path, size: str = "256k") -> Iterator[Path]:
    """A fresh tmpfs of ``size`` mounted on ``where`` (made if need be), unmounted after."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                           str(where)], capture_output=True, text=True, timeout=30,
                          check=False)
    if done.returncode != 0:
        cannot_mount(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30,
                       check=False)


def cannot_mount(reason: str) -> NoReturn:
    """Skip, with ``reason``; but fail under CI, where mounting must work."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the disk tests must run in CI)", pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def read_only_file(path: Path) -> Iterator[Path]:
    """``path`` bind-mounted read-only onto itself, as a file on a failing disk: even root
    gets EROFS writing it (the directory stays writable). Unmounted after."""
    done = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True,
                          text=True, timeout=30, check=False)
    if done.returncode != 0:
        cannot_mount(f"cannot bind-mount a file here (needs root): {done.stderr.strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True,
                       capture_output=True, timeout=30)
        yield path
    finally:
        subprocess.run(["umount", str(path)], capture_output=True, timeout=30, check=False)


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
