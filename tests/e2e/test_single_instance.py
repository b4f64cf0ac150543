"""Two kiosks on one data folder would fight over the sign-ups: the second one refuses."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT, WAIT_S

EXIT_ALREADY_RUNNING = 3


def test_a_second_kiosk_on_the_same_data_folder_refuses_to_start(make_screen, start_kiosk,
                                                                 tmp_path):
    screen = make_screen(1920, 1080)
    first = start_kiosk(screen)
    first.wait_title("attract")
    env = {**os.environ, "DISPLAY": screen.display, "QT_QPA_PLATFORM": "xcb",
           "KIOSK_DATA_DIR": str(tmp_path / "data")}
    second = subprocess.run([sys.executable, str(ROOT / "main.py")], env=env,
                            capture_output=True, text=True, timeout=WAIT_S, check=False)
    assert second.returncode == EXIT_ALREADY_RUNNING
    assert "another kiosk is already running" in second.stderr
    assert first.process.poll() is None
