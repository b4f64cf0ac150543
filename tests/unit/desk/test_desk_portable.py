"""The desk app runs on Windows and macOS from pip: nothing in its path may need a
Linux-only call. Here, in a child Python where ``fcntl``, ``os.O_CLOEXEC`` and
``os.O_DIRECTORY`` do not exist and ``sys.platform`` says win32 (what Windows lacks), the
desk's modules import and its key file, passphrase throttle and export work for real. (The
libraries are imported first, on the real platform: they are tested on Windows by their
makers; this checks the project's own code.)"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent("""
    import os, sys
    # Libraries first, with the real platform: they choose their own code per platform
    # (psycopg its Windows event loop); what is checked is the project's own code.
    import psycopg, nacl.public, argon2, babel, phonenumbers, platformdirs, PySide6.QtWidgets
    sys.modules["fcntl"] = None  # "import fcntl" raises ImportError, as on Windows
    del os.O_CLOEXEC, os.O_DIRECTORY
    sys.platform = "win32"
    from pathlib import Path
    import kiosk.desk_app, kiosk.cli.desk, kiosk.ui.desk.window  # the whole desk path
    from kiosk.desk.session import DeskSession
    from kiosk.desk.csv_export import write_desk_csv
    from kiosk.security import PinGuard
    from kiosk.signups import crypto
    folder = Path(sys.argv[1])
    crypto.create_keys(folder / "keys.json", "a long passphrase",
                       opslimit=crypto.OPSLIMIT_FLOOR, memlimit=crypto.MEMLIMIT_FLOOR)
    guard = PinGuard(folder / "data" / "desk-unlock.json", clock=lambda: 1000.0)
    guard.passphrase_only()
    desk = DeskSession(guard, folder / "keys.json", lambda action: None,
                       key_cost=crypto.FLOOR_COST)
    assert not desk.check("wrong passphrase").result.ok
    assert not desk.check("wrong again").result.ok
    assert desk.check("a long passphrase").result.unchecked  # too soon: still throttled
    assert write_desk_csv([], folder / "out.csv") == 0
    assert "kiosk.signups.store" not in sys.modules, "the kiosk's SQLite store needs fcntl"
    print("ok")
""")


def test_the_desk_path_needs_no_linux_only_call(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
