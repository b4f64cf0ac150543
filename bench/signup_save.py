"""Saving a sign-up, against a raw SQLite insert and commit with the same settings.

    .venv/bin/python bench/signup_save.py [--quick] [--saves N] [--json FILE]

The kiosk's path is what the form's Send button runs: ``entry.validate`` (names, phone number
with phonenumbers, e-mail with email-validator), then the real
``kiosk.signups.service.SignupService.submit`` (read the clinic's public key, pad, seal with
PyNaCl, insert and commit in its own ``BEGIN IMMEDIATE`` transaction, WAL with
``synchronous=FULL``). The baseline is a bare ``sqlite3`` connection in the same folder with
the same pragmas, inserting a blob of the same size and committing. Saves alternate between
the two, so both see the same disk; the figure is the median. The folder is on the same
file system as the temporary folder (fsync is real there unless it is a tmpfs, which the
output says).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, Row, emit, median, parser, percentile

FORM = {"name": "Zoë Peña-Okafor", "phone": "(202) 555-0143", "email": "zoe@example.org",
        "contact_time": "morning", "note": "Sciatica in the left leg since March."}


def file_system(path: Path) -> str:
    done = subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True,
                          text=True, check=False)
    return done.stdout.strip() or "unknown"


def main() -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--saves", type=int, default=300)
    args = args_parser.parse_args()
    saves = 5 if args.quick else args.saves
    sys.path.insert(0, str(ROOT))

    from kiosk.audit import AuditLog
    from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys
    from kiosk.signups.entry import validate
    from kiosk.signups.service import SignupService
    from kiosk.signups.store import SignupStore

    with tempfile.TemporaryDirectory(prefix="bench-signup-") as scratch:
        folder = Path(scratch)
        keys = folder / "clinic-keys.json"
        # The passphrase's cost only matters for unlocking, which is not measured here.
        create_keys(keys, "correct horse battery staple",
                    opslimit=OPSLIMIT_FLOOR,
                    memlimit=MEMLIMIT_FLOOR)
        store = SignupStore.open(folder / "signups.db")
        service = SignupService(store, keys, AuditLog(folder / "audit.log"))

        def save_signup() -> None:
            signup, errors = validate(FORM, True, "2024-01", "US")
            assert signup is not None, errors
            service.submit(signup)

        save_signup()
        blob = os.urandom(len(store.entries()[0].sealed))

        raw = sqlite3.connect(folder / "raw.db", isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        for pragma in ("synchronous=FULL", "foreign_keys=ON", "secure_delete=ON"):
            raw.execute(f"PRAGMA {pragma}")
        raw.execute("CREATE TABLE signups (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    "created_at TEXT NOT NULL, consent_version TEXT NOT NULL, "
                    "sealed BLOB NOT NULL, contacted_at TEXT)")

        def save_raw() -> None:
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("INSERT INTO signups (created_at, consent_version, sealed) "
                        "VALUES (?, ?, ?)", ("2024-05-01T10:00:00+00:00", "2024-01", blob))
            raw.execute("COMMIT")

        save_raw()
        kiosk_ms: list[float] = []
        raw_ms: list[float] = []
        pair = ((save_signup, kiosk_ms), (save_raw, raw_ms))
        for n in range(saves):
            # Alternate which goes first: a commit right after another one's fsync is slower.
            for measure, into in pair if n % 2 else pair[::-1]:
                start = time.perf_counter()
                measure()
                into.append((time.perf_counter() - start) * 1000)
        raw.close()
        store.close()
        fs = file_system(folder)

    value, base = median(kiosk_ms), median(raw_ms)
    rows = [Row("save a sign-up (validate, seal, commit)", value, "ms", base,
                "raw SQLite insert + commit", "<= 2x", value <= 2 * base)]
    emit("Saving a sign-up", rows, args.json,
         [f"{saves} saves each, alternating, WAL + synchronous=FULL on {fs}; "
          f"p99 kiosk {percentile(kiosk_ms, 0.99):.2f} ms, raw {percentile(raw_ms, 0.99):.2f} ms"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
