"""Delete and the retention purge reach every copy the store makes (issue 13, item 5).

A deleted or expired entry must be gone from every byte of every file in the data folder:
the database, its WAL and free pages, migration backups, and damaged files set aside. The
check reads each file whole: no 16-byte run of the entry's sealed bytes is left, and no
sealed value in any file (read page by page, as salvage does) opens to the entry.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nacl.exceptions
import pytest

from kiosk.audit import AuditLog
from kiosk.signups import copies, salvage
from kiosk.signups.crypto import (
    FLOOR_COST,
    MEMLIMIT_FLOOR,
    OPSLIMIT_FLOOR,
    create_keys,
    load_public_key,
    seal,
    unlock,
    unseal,
)
from kiosk.signups.entry import Signup
from kiosk.signups.service import SignupService, pad
from kiosk.signups.store import MIGRATIONS, SignupStore, StoreUnavailable

PASSPHRASE = "maple street front desk"
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def signup(name: str) -> Signup:
    return Signup(name=name, phone="+12025550143", email="", contact_time="morning", note="",
                  consent_version="en-1")


def windows(sealed: bytes) -> list[bytes]:
    return [sealed[i:i + 16] for i in range(0, len(sealed) - 15, 8)]


def traces(folder: Path, sealed: bytes, key, plain: bytes) -> list[str]:
    """Every file in ``folder`` that still holds any part of ``sealed`` or opens to ``plain``."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if any(w in data for w in windows(sealed)):
            found.append(f"{path.name}: sealed bytes")
            continue
        try:
            rows = salvage.read(path).rows.values()
        except (OSError, ValueError):
            rows = []
        for row in rows:
            try:
                if unseal(key, row.sealed).rstrip(b" ") == plain:
                    found.append(f"{path.name}: opens")
            except (nacl.exceptions.CryptoError, ValueError):
                pass
    return found


def make_v1(db: Path, entries: list[tuple[datetime, bytes]]) -> None:
    db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(db)
    for sql in MIGRATIONS[0]:
        conn.execute(sql)
    conn.executemany("INSERT INTO signups (created_at, consent_version, sealed) VALUES (?,?,?)",
                     [(when.isoformat(timespec="seconds"), "en-0", sealed)
                      for when, sealed in entries])
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


@pytest.fixture
def keys(tmp_path):
    path = tmp_path / "data" / "clinic-keys.json"
    path.parent.mkdir(mode=0o700)
    create_keys(path, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    return path, load_public_key(path), unlock(path, PASSPHRASE)


def test_a_deleted_and_an_expired_entry_leave_no_trace_in_any_file(keys, tmp_path):
    keys_file, public, private = keys
    db = tmp_path / "data" / "signups.db"
    old_plain = pad(signup("Old Four-Hundred-Days").to_json())
    gone_plain = pad(signup("Deleted By Desk").to_json())
    kept_plain = pad(signup("Kept Patient").to_json())
    old, gone, kept = (seal(public, p) for p in (old_plain, gone_plain, kept_plain))
    entries = [(NOW - timedelta(days=400), old), (NOW - timedelta(days=3), gone),
               (NOW - timedelta(days=2), kept)]
    make_v1(db, entries)
    # An older kiosk kept every migration backup for ever: one is lying there already.
    stale = db.with_name("signups.db.backup-v1-20251101T080000Z")
    stale.write_bytes(db.read_bytes())
    # And a damaged database was set aside earlier this week, holding the same entries.
    make_v1(tmp_path / "damaged" / "signups.db", entries)
    aside = db.with_name(f"signups.db.corrupt-{copies.stamp(NOW - timedelta(days=1))}")
    damaged = bytearray((tmp_path / "damaged" / "signups.db").read_bytes())
    damaged[:100] = os.urandom(100)
    aside.write_bytes(bytes(damaged))
    for path in (old, gone):  # the setup really has copies everywhere
        assert len(traces(db.parent, path, private, b"")) >= 3

    store = SignupStore.open(db)  # migrates v1 -> v2 with a backup first
    assert store.backup is not None
    service = SignupService(store, keys_file, AuditLog(db.with_name("audit.log")),
                            clock=lambda: NOW, key_cost=FLOOR_COST)
    reader = service.unlock(PASSPHRASE)
    by_name = {e.signup.name: e.id for e in reader.entries()}
    assert reader.delete(by_name["Deleted By Desk"])
    assert service.purge_expired(90) == 1

    for sealed, plain in ((old, old_plain), (gone, gone_plain)):
        assert traces(db.parent, sealed, private, plain) == []
    store.close()
    for sealed, plain in ((old, old_plain), (gone, gone_plain)):
        assert traces(db.parent, sealed, private, plain) == []
    # What was not deleted is still where it was, the set-aside copy included (for IT).
    assert traces(db.parent, kept, private, kept_plain) != []
    assert aside.exists()
    assert not copies.backups(db)
    # Every open salvages set-aside files again (to finish a salvage cut short): what was
    # deleted was zeroed in them too, so it does not come back.
    with SignupStore.open(db) as store:
        assert store.salvaged is None
        assert [e.sealed for e in store.entries()] == [kept]


def test_set_aside_files_go_after_the_retention_period(tmp_path):
    db = tmp_path / "data" / "signups.db"
    with SignupStore.open(db) as store:
        store.add(b"x" * 100, "v", created_at=NOW)
        old = db.with_name(f"signups.db.corrupt-{copies.stamp(NOW - timedelta(days=91))}")
        recent = db.with_name(f"signups.db.corrupt-{copies.stamp(NOW - timedelta(days=89))}")
        for path in (old, copies.side(old, "-wal"), recent):
            path.write_bytes(b"damaged" * 100)
        assert store.purge_older_than(NOW - timedelta(days=90)) == 0
    assert copies.set_aside_files(db) == [recent]


def test_a_failed_upgrade_keeps_its_backup_until_an_open_that_checks_out(tmp_path):
    db = tmp_path / "data" / "signups.db"
    make_v1(db, [(NOW, b"old entry")])
    conn = sqlite3.connect(db)  # v2 will fail to create this index: the upgrade stops
    conn.execute("CREATE INDEX signups_by_created_at ON signups (consent_version)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreUnavailable):
        SignupStore.open(db)
    (backup,) = copies.backups(db)
    assert backup.name.startswith("signups.db.backup-v1-")
    assert (backup.stat().st_mode & 0o777) == 0o600
    old = sqlite3.connect(backup)
    assert old.execute("SELECT sealed FROM signups").fetchall() == [(b"old entry",)]
    old.close()

    conn = sqlite3.connect(db)
    conn.execute("DROP INDEX signups_by_created_at")
    conn.commit()
    conn.close()
    with SignupStore.open(db) as store:
        assert [e.sealed for e in store.entries()] == [b"old entry"]
    assert copies.backups(db) == []


def test_shred_overwrites_before_it_unlinks(tmp_path):
    path = tmp_path / "copy"
    path.write_bytes(b"secret" * 1000)
    fd = os.open(path, os.O_RDONLY)  # keeps the inode readable after the unlink
    try:
        copies.shred(path)
        assert not path.exists()
        assert os.pread(fd, 6000, 0) == bytes(6000)
    finally:
        os.close(fd)
