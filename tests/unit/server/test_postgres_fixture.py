"""The PostgreSQL fixture itself: without the server binaries a test skips with the reason,
except under CI=true, where it fails (CI installs postgresql; never a silent pass there)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
A_TEST = "tests/unit/server/test_server_roles.py::test_a_heartbeat_reaches_the_desk"


def _run(ci: bool, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["KIOSK_PG_BIN"] = str(tmp_path / "no-postgresql-here")
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", A_TEST],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("ci", [False, True])
def test_a_missing_postgresql_skips_but_fails_under_ci(tmp_path: Path, ci: bool) -> None:
    done = _run(ci, tmp_path)
    assert "PostgreSQL's server is not installed" in done.stdout
    if ci:
        assert done.returncode == 1, done.stdout
        assert "1 error" in done.stdout or "1 failed" in done.stdout
    else:
        assert done.returncode == 0, done.stdout
        assert "1 skipped" in done.stdout

