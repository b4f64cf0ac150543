"""A delete holds even where it cannot reach every copy at once (review of issue 13, item 5).

Two ways a deleted entry used to survive: a set-aside copy that could not be written kept it,
and the next start salvaged it back into the database; and a checkpoint that another reader
kept busy left it in ``signups.db-wal``, with nothing trying again. Real files, a real second
SQLite connection, and a real read-only (bind-mounted) copy.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from kiosk.signups import copies
from kiosk.signups.store import SignupStore
from tests.small_disk import read_only_file

# Every test here damages a database or blocks a copy on purpose: the store says so.
pytestmark = [
    pytest.mark.expect_log("kiosk.signups.store",
                           r"was damaged; moved it to|another program is reading it"),
    pytest.mark.expect_log("kiosk.signups.salvage", r"salvaged \d+ sign-ups"),
    pytest.mark.expect_log("kiosk.signups.copies", r"could not remove \d+ deleted entries"),
]



def sealed_entry(i: int) -> bytes:
    return os.urandom(32) + f"sealed-entry-{i}".encode() * 20


def damage(db: Path) -> None:
    raw = bytearray(db.read_bytes())
    raw[:100] = os.urandom(100)
    db.write_bytes(bytes(raw))
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def test_a_delete_that_cannot_scrub_a_set_aside_copy_never_comes_back(tmp_path, caplog):
    db = tmp_path / "data" / "signups.db"
    sealed = [sealed_entry(i) for i in range(5)]
    with SignupStore.open(db) as store:
        ids = [store.add(s, "v1") for s in sealed]
    damage(db)
    with SignupStore.open(db) as store:
        assert store.salvaged is not None
        assert store.salvaged.recovered == 5
        aside = copies.set_aside_databases(db)[0]
        with read_only_file(aside):
            assert sealed[2] in aside.read_bytes()  # the copy holds it, and cannot be written
            assert store.delete(ids[2])  # done: the database no longer has it
            assert "could not remove 1 deleted entries from a set-aside copy" in caplog.text
            assert sealed[2] in aside.read_bytes()
            store.close()
            with SignupStore.open(db) as restarted:  # every start salvages every copy again
                assert sealed[2] not in [e.sealed for e in restarted.entries()]
                assert len(restarted.entries()) == 4
                assert restarted.salvaged is None or restarted.salvaged.recovered == 0
    with SignupStore.open(db) as store:  # the copy can be written again: zeroed now
        assert len(store.entries()) == 4
    assert sealed[2][:32] not in aside.read_bytes()


def test_a_delete_in_a_damaged_database_holds_against_an_older_copy(tmp_path):
    """The tombstone lives in the database; when that is set aside in turn, salvage reads
    the tombstones out of it too, so the older copy cannot bring the entry back."""
    db = tmp_path / "data" / "signups.db"
    sealed = [sealed_entry(i) for i in range(3)]
    with SignupStore.open(db) as store:
        ids = [store.add(s, "v1") for s in sealed]
    damage(db)
    with SignupStore.open(db) as store:
        older = copies.set_aside_databases(db)[0]
        with read_only_file(older):
            assert store.delete(ids[0])
            store.close()
            damage(db)  # the new database is damaged as well, with the tombstone in it
            with SignupStore.open(db) as restarted:
                assert len(copies.set_aside_databases(db)) == 2
                assert [e.sealed for e in restarted.entries()] == sealed[:0:-1]


def test_a_delete_while_another_program_reads_is_checkpointed_once_it_stops(tmp_path):
    db = tmp_path / "data" / "signups.db"
    wal = Path(f"{db}-wal")
    secret = os.urandom(32) + b"SEALED-ENTRY-TO-DELETE" * 10
    with SignupStore.open(db) as store:
        victim = store.add(secret, "v1")
        reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # e.g. a backup tool
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM signups").fetchall()
            assert store.delete(victim)
            assert secret in wal.read_bytes()  # the reader keeps the checkpoint from finishing
            assert store.check_files()  # the 2-second timer: still busy, tries again later
            assert secret in wal.read_bytes()
        finally:
            reader.rollback()
            reader.close()
        assert store.check_files()  # the next tick after the reader is done
        assert secret not in wal.read_bytes()
        assert secret not in db.read_bytes()


def test_the_next_save_finishes_a_delete_s_checkpoint_too(tmp_path):
    db = tmp_path / "data" / "signups.db"
    wal = Path(f"{db}-wal")
    secret = os.urandom(32) + b"SEALED-ENTRY-TO-DELETE" * 10
    with SignupStore.open(db) as store:
        victim = store.add(secret, "v1")
        reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM signups").fetchall()
            assert store.delete(victim)
        finally:
            reader.rollback()
            reader.close()
        store.add(os.urandom(64), "v1")  # a sign-up before the timer's next tick
        assert secret not in wal.read_bytes()
