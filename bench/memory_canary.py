"""Copies of a patient's name and of the passphrase left in the kiosk's memory after a lock.

    .venv/bin/python bench/memory_canary.py [--quick] [--json FILE]

A child process builds the real kiosk (``kiosk.app.build``, offscreen, 1920x1080) on a fresh
data folder, saves a sign-up whose name is a random canary, opens the staff panel with the
PIN and the passphrase (also random) as the front desk does, reads the list three more times
(as marking, deleting or exporting does), and reads its own memory
(every readable mapping, through /proc/self/mem, into one buffer allocated beforehand so the
scan makes no copies of its own). It counts the canary in UTF-8 and UTF-16 (Qt's strings)
and the passphrase in UTF-8, while the list is shown (the baseline) and after the panel is
locked and Python's garbage collector has run. The two search patterns themselves are not
counted. Python cannot overwrite its strings, so what the lock does is drop every reference;
freed memory keeps its bytes until it is reused. See docs/security.md.
"""

from __future__ import annotations

import ctypes
import gc
import mmap
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, Row, emit, parser, qt_env

BUFFER = 64 * 1024 * 1024
PIN = "246813"


def count_in_memory(needles: list[bytes]) -> list[int]:
    """How often each needle occurs in this process's readable memory (needles excluded)."""
    buffer = mmap.mmap(-1, BUFFER)
    start = ctypes.addressof(ctypes.c_char.from_buffer(buffer))
    counts = [0] * len(needles)
    maps = Path("/proc/self/maps").read_text(encoding="ascii").splitlines()
    fd = os.open("/proc/self/mem", os.O_RDONLY)
    try:
        for line in maps:
            match = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
            if match is None or match[3][0] != "r" or line.endswith(("[vvar]", "[vsyscall]",
                                                                     "[vvar_vclock]")):
                continue
            low, high = int(match[1], 16), int(match[2], 16)
            if low <= start < high:
                continue  # the scan's own buffer
            at = low
            while at < high:
                size = min(BUFFER, high - at)
                try:
                    got = os.preadv(fd, [memoryview(buffer)[:size]], at)
                except OSError:
                    break
                for index, needle in enumerate(needles):
                    found = buffer.find(needle, 0, got)
                    while found != -1:
                        counts[index] += 1
                        found = buffer.find(needle, found + 1, got)
                at += size
    finally:
        os.close(fd)
    buffer.close()
    return [count - 1 for count in counts]  # each needle is itself in memory once


def child(data: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from argon2 import PasswordHasher
    from PySide6.QtWidgets import QApplication

    from kiosk.app import build
    from kiosk.config import load_settings
    from kiosk.security import PinGuard
    from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys
    from kiosk.signups.entry import Signup

    # Random, so no copy can come from this file; only the encoded needles stay referenced.
    needles = [f"Q{secrets.token_hex(8)}".encode()]
    needles.append(needles[0].decode().encode("utf-16-le"))
    needles.append(f"desk {secrets.token_hex(8)} phrase".encode())
    app = QApplication(sys.argv[:1])
    settings = load_settings(data_dir=data, windowed=True, environ={})
    create_keys(settings.keys_file, needles[2].decode(), opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    PinGuard(settings.pin_file, hasher=PasswordHasher(time_cost=1, memory_cost=8,
                                                      parallelism=1)).set_pin(PIN)
    kiosk = build(settings)
    window = kiosk.window
    window.resize(1920, 1080)
    window.show()
    service = window.services.signups
    assert service is not None
    service.submit(Signup(name=needles[0].decode(), phone="+12025550143", email="",
                          contact_time="morning", note="", consent_version="en-2026-11-1"))

    def settle(condition: object) -> None:
        for _ in range(2000):
            app.processEvents()
            if callable(condition) and condition():
                return
            window.staff.checking.join(0.01)
        raise RuntimeError("the panel did not answer")

    window.show_staff()
    window.staff.pin.type_pin(PIN)
    settle(lambda: window.staff.step is window.staff.passphrase)
    window.staff.passphrase.edit.setText(needles[2].decode())
    window.staff.passphrase.edit.returnPressed.emit()
    settle(lambda: window.staff.unlocked)
    for _ in range(3):  # each action (mark contacted, delete, export) reads the list again
        window.staff.refresh()
    window.grab()  # painted, as staff saw it
    gc.collect()
    shown = count_in_memory(needles)
    window.staff.lock()
    for _ in range(10):
        app.processEvents()
    gc.collect()
    locked = count_in_memory(needles)
    print("shown", *shown)
    print("locked", *locked)
    kiosk.close()


def main() -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--child", type=Path, help=argparse_hidden())
    args = args_parser.parse_args()
    if args.child is not None:
        child(args.child)
        return 0
    if not sys.platform.startswith("linux"):
        print("needs Linux /proc/self/mem", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-canary-") as scratch:
        done = subprocess.run([sys.executable, __file__, "--child", str(Path(scratch) / "data")],
                              env=qt_env(), capture_output=True, text=True, timeout=300,
                              check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        return 1
    values = {line.split()[0]: [int(x) for x in line.split()[1:]]
              for line in done.stdout.splitlines() if line.startswith(("shown", "locked"))}
    shown, locked = values["shown"], values["locked"]
    names = ("copies of a patient's name after a lock, UTF-8",
             "copies of a patient's name after a lock, UTF-16",
             "copies of the passphrase after a lock, UTF-8")
    rows = [Row(name, after, "copies", before, "while the list is shown", "-", None)
            for name, after, before in zip(names, locked, shown, strict=True)]
    emit("Secrets left in memory (bench/memory_canary.py)", rows, args.json,
         ["one run; freed memory keeps its bytes until reused: these copies are unreferenced, "
          "and the kiosk writes no core (docs/security.md)"])
    return 0


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    sys.exit(main())
