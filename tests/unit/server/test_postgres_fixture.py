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



def test_a_killed_run_leaves_no_server_behind() -> None:
    from tests.postgres import find_bin_dir, stop_orphans

    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("needs PostgreSQL")
    with subprocess.Popen(
            [sys.executable, "-c",
             "import sys; from tests.postgres import PostgresServer, find_bin_dir\n"
             "s = PostgresServer.start_new(find_bin_dir()); print(s.base, flush=True)\n"
             "sys.stdin.read()"],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        base = Path(child.stdout.readline().strip())
        server_pid = int((base / "data" / "postmaster.pid").read_text().split()[0])
        child.kill()
        child.wait(timeout=30)
    stop_orphans(bin_dir)
    assert not base.exists()
    assert not _running(server_pid)


def _running(pid: int) -> bool:
    """Alive and not a zombie (here PID 1 does not reap what it inherits)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
