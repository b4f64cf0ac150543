"""The -wal file removed or replaced under a running kiosk (issue 13, item 12).

Before: after `rm signups.db-wal`, SQLite went on committing into the unlinked file and the
kiosk went on saying "thank you"; a SIGKILL then lost 60 of 70 acknowledged entries. Now
the store notices at the next write, checkpoints the still-open WAL into the main file and
reopens before it acknowledges anything, so nothing acknowledged is lost. If the main file
itself is removed, nothing more is acknowledged at all.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import PROJECT_ROOT
from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys
from kiosk.signups.store import SignupStore, StoreUnavailable

WRITER = Path(__file__).with_name("crash_writer.py")


def ids_on_disk(db: Path) -> set[int]:
    """What a fresh process finds (read-only: does not touch the files it checks)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        if not conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'signups'").fetchall():
            return set()  # even the table was only in the lost WAL
        return {row[0] for row in conn.execute("SELECT id FROM signups")}
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "data" / "signups.db"


def test_acknowledged_entries_survive_a_removed_wal_and_sigkill(db, tmp_path):
    keys = tmp_path / "data" / "clinic-keys.json"
    db.parent.mkdir(mode=0o700)
    create_keys(keys, "maple street front desk", opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    child = subprocess.Popen([sys.executable, str(WRITER), str(db), str(keys), "w"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=PROJECT_ROOT)
    assert child.stdout is not None
    reported = [int(child.stdout.readline().split()[0]) for _ in range(10)]
    db.with_name("signups.db-wal").unlink()
    reported += [int(child.stdout.readline().split()[0]) for _ in range(60)]
    child.send_signal(signal.SIGKILL)
    rest, errors = child.communicate()
    assert child.returncode == -signal.SIGKILL, errors.decode(errors="replace")
    reported += [int(line.split()[0]) for line in rest.splitlines()]
    lost = set(reported) - ids_on_disk(db)
    assert not lost, f"{len(lost)} of {len(set(reported))} acknowledged entries lost"
    assert b"-wal file was removed" in errors  # the child's log said what happened


DRIVEN = """
import sys
from pathlib import Path
from kiosk.signups.store import SignupStore
store = SignupStore.open(Path(sys.argv[1]))  # never closed: this process ends by SIGKILL
for line in sys.stdin:
    if line.strip() == "add":
        print(store.add(b"sealed", "v"), flush=True)
    else:  # what the kiosk's timer does between saves
        print(store.check_files(), flush=True)
"""


def test_the_timer_check_saves_entries_when_no_save_follows_the_removal(db):
    """Removed, then killed before any other save: the periodic check alone must fold the
    unlinked WAL back (before the fix: every entry since the last checkpoint was lost)."""
    child = subprocess.Popen([sys.executable, "-c", DRIVEN, str(db)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=PROJECT_ROOT,
                             text=True)
    assert child.stdin is not None
    assert child.stdout is not None

    def ask(command: str) -> str:
        child.stdin.write(command + "\n")
        child.stdin.flush()
        return child.stdout.readline().strip()

    acknowledged = {int(ask("add")) for _ in range(20)}
    db.with_name("signups.db-wal").unlink()
    assert ask("check") == "True"
    child.send_signal(signal.SIGKILL)
    child.communicate()
    assert acknowledged <= ids_on_disk(db)


@pytest.mark.parametrize("how", ["removed", "replaced"])
@pytest.mark.expect_log("kiosk.signups.store", r"-wal file was removed or replaced while in use")
@pytest.mark.expect_log(
    "kiosk.signups.store", r"sign-up database reopened; nothing acknowledged was lost")
def test_the_store_reopens_on_a_moved_wal_and_keeps_everything(db, caplog, how):
    with SignupStore.open(db) as store:
        first = [store.add(b"before-%d" % n, "v") for n in range(5)]
        wal = db.with_name("signups.db-wal")
        wal.unlink()
        if how == "replaced":  # a stranger's file must not be replayed into ours
            wal.write_bytes(os.urandom(4096 * 3))
        later = store.add(b"after", "v")
        assert wal.stat().st_size > 0  # a new WAL, the store's own again
        assert set(first) | {later} <= ids_on_disk(db)
        assert store.add(b"again", "v") > later  # and it goes on normally
    assert "-wal file was removed or replaced" in caplog.text
    assert "nothing acknowledged was lost" in caplog.text
    with SignupStore.open(db) as store:
        assert store.recovered_from is None
        assert [e.sealed for e in store.entries()][-5:] == [b"before-%d" % n
                                                           for n in range(4, -1, -1)]


@pytest.mark.expect_log(
    "kiosk.signups.store", r"database file was removed or replaced while in use")
def test_a_removed_database_file_stops_every_save(db, caplog):
    with SignupStore.open(db) as store:
        store.add(b"kept in the unlinked file only", "v")
        db.unlink()
        for _ in range(2):
            with pytest.raises(StoreUnavailable, match="removed or replaced"):
                store.add(b"never acknowledged", "v")
    assert "refusing saves until restart" in caplog.text
