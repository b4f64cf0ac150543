"""scripts/server is valid bash and explains itself without needing root."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "server"


def test_the_server_script_is_executable_bash() -> None:
    assert os.access(SCRIPT, os.X_OK)
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True, timeout=10)


def test_help_and_bad_options_change_nothing() -> None:
    shown = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True,
                           timeout=10, check=True)
    assert "sudo ./scripts/server [--host NAME]" in shown.stdout
    bad = subprocess.run([str(SCRIPT), "--hots", "x"], capture_output=True, text=True,
                         timeout=10, check=False)
    assert bad.returncode == 2
    assert "unknown option: --hots" in bad.stderr
