"""No core file may copy decrypted sign-ups or the passphrase to disk (issue 13 item 6).

Real child processes: one asks the kernel about itself after `forbid_core_dumps`, and two
abort (what the systemd watchdog sends), one with and one without it, so the test shows it
would see a core if one were written.
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")

ASK = """
from kiosk.hardening import forbid_core_dumps, is_dumpable
print(forbid_core_dumps(), is_dumpable())
print(open("/proc/self/limits").read())
"""


def child(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)

    def allow_cores() -> None:  # as a shell with 'ulimit -c unlimited' would start it
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))

    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False, preexec_fn=allow_cores,
                          env={"PYTHONPATH": str(PROJECT_ROOT)})


def core_limit(limits: str) -> list[str]:
    line = next(x for x in limits.splitlines() if x.startswith("Max core file size"))
    return line.split()[4:6]


def test_the_kernel_says_no_core_and_not_dumpable(tmp_path):
    done = child(ASK, tmp_path)
    assert done.returncode == 0, done.stderr
    first, limits = done.stdout.split("\n", 1)
    assert first == "[] False"
    assert core_limit(limits) == ["0", "0"]


def plain_core_pattern() -> str:
    pattern = Path("/proc/sys/kernel/core_pattern").read_text().strip()
    if pattern.startswith("|") or "/" in pattern:
        pytest.skip(f"core files go to {pattern!r}, not the process's folder")
    if resource.getrlimit(resource.RLIMIT_CORE)[1] == 0:
        pytest.skip("the hard core limit is 0 here: no process could dump core anyway")
    return pattern


def test_an_abort_writes_no_core_file(tmp_path):
    plain_core_pattern()
    (tmp_path / "without").mkdir()
    (tmp_path / "with").mkdir()
    control = child("import os; os.abort()", tmp_path / "without")
    assert control.returncode == -signal.SIGABRT
    if not any((tmp_path / "without").iterdir()):
        pytest.skip("this machine writes no core even without the kiosk's settings")
    hardened = child("from kiosk.hardening import forbid_core_dumps\n"
                     "forbid_core_dumps()\nimport os; os.abort()", tmp_path / "with")
    assert hardened.returncode == -signal.SIGABRT
    assert list((tmp_path / "with").iterdir()) == []
