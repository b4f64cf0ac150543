"""The files in deploy/ are valid for the tools that read them."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "sciatica-kiosk.service"


def test_the_unit_passes_systemd_analyze_verify(tmp_path):
    if shutil.which("systemd-analyze") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install systemd (see scripts/system-packages.sh)")
        pytest.skip("needs systemd-analyze")
    # As scripts/install-kiosk writes it: this checkout's path instead of /opt/sciatica-kiosk.
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace("/opt/sciatica-kiosk", str(ROOT)),
                    encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_the_unit_restarts_for_ever_and_watches_the_kiosk():
    lines = {line.strip() for line in UNIT.read_text(encoding="utf-8").splitlines()}
    for setting in ("Type=notify", "NotifyAccess=all", "Restart=always", "RestartSec=2",
                    "StartLimitIntervalSec=0", "WatchdogSec=30", "MemoryMax=1G", "User=kiosk",
                    "LimitCORE=0"):
        assert setting in lines


@pytest.mark.parametrize("script", ["kiosk-session", "kiosk-client"])
def test_session_scripts_are_executable_posix_shell(script):
    path = DEPLOY / script
    assert os.access(path, os.X_OK)
    subprocess.run(["sh", "-n", str(path)], check=True, timeout=10)


def test_install_script_is_valid_bash():
    path = ROOT / "scripts" / "install-kiosk"
    assert os.access(path, os.X_OK)
    subprocess.run(["bash", "-n", str(path)], check=True, timeout=10)
