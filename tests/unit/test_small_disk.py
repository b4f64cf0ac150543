"""The disk tests can never silently not run in CI: where mounting fails, ``CI=true`` turns
the skip into a failure. The child really cannot mount (it runs as ``nobody`` when we are root)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534
CHILD = """
import os
import sys
from pathlib import Path
import pytest
from tests.small_disk import small_tmpfs
if os.geteuid() == 0:  # give up root (Python itself lies under /root, so only now)
    os.setgid(int(sys.argv[2]))
    os.setuid(int(sys.argv[2]))
try:
    with small_tmpfs(Path(sys.argv[1]) / "disk"):
        print("mounted")
except pytest.skip.Exception as e:
    print("skipped:", e)
except pytest.fail.Exception as e:
    print("failed:", e)
"""


@pytest.mark.parametrize(("ci", "outcome"), [("true", "failed:"), ("", "skipped:")])
def test_a_disk_that_cannot_be_mounted_fails_under_ci_and_skips_elsewhere(ci, outcome):
    top = Path(tempfile.mkdtemp(prefix="kiosk-small-disk-"))
    try:
        if os.geteuid() == 0:
            os.chown(top, NOBODY, NOBODY)
        done = subprocess.run([sys.executable, "-c", CHILD, str(top), str(NOBODY)],
                              cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
                              env=os.environ | {"CI": ci, "PYTHONPATH": str(PROJECT_ROOT)},
                              check=True)
    finally:
        for folder in (top / "disk", top):
            if folder.exists():
                folder.rmdir()
    assert done.stdout.startswith(outcome), done.stdout + done.stderr
    assert "cannot mount a tmpfs here" in done.stdout
