"""The running kiosk, aborted as the systemd watchdog does, leaves no core file behind.

A core would hold every decrypted name and the passphrase (issue 13 item 6). The kiosk is
started from a folder of its own with core dumps allowed, as a shell with 'ulimit -c
unlimited' would; the kernel's own view of its limits is read from /proc.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, WAIT_S


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")
def test_the_watchdogs_abort_leaves_no_core(make_screen, tmp_path):
    screen = make_screen(1280, 720)
    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
    folder = tmp_path / "cwd"
    folder.mkdir()
    env = {**os.environ, "DISPLAY": screen.display, "QT_QPA_PLATFORM": "xcb",
           "KIOSK_DATA_DIR": str(tmp_path / "data")}
    kiosk = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py")], env=env, cwd=folder, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (hard, hard)))
    try:
        screen.run("timeout", str(WAIT_S), "xdotool", "search", "--sync", "--onlyvisible",
                   "--classname", "main.py")
        limits = Path(f"/proc/{kiosk.pid}/limits").read_text(encoding="ascii")
        line = next(x for x in limits.splitlines() if x.startswith("Max core file size"))
        assert line.split()[4:6] == ["0", "0"], line
        kiosk.send_signal(signal.SIGABRT)
        _out, err = kiosk.communicate(timeout=WAIT_S)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.communicate(timeout=WAIT_S)
    assert kiosk.returncode == -signal.SIGABRT
    assert "Fatal Python error: Aborted" in err  # the stacks still reach the journal
    assert list(folder.iterdir()) == []
