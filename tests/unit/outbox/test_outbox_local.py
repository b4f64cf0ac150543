"""The kiosk's half of the outbox, no server needed: schema v4's entry UUIDs (made with each
save, given to older entries by the upgrade, kept by a salvage), removals that no salvage
undoes, the backoff, and kiosks that hold only the clinic's public key."""

from __future__ import annotations

import base64
import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.cli import main
from kiosk.outbox.queue import OutboxQueue
from kiosk.outbox.shipper import Backoff
from kiosk.security import PinGuard
from kiosk.signups.crypto import (
    MEMLIMIT_FLOOR,
    OPSLIMIT_FLOOR,
    KeysExist,
    PublicKeyOnly,
    create_keys,
    load_public_key,
    save_public_key,
    unlock,
)
from kiosk.signups.service import SignupService
from kiosk.signups.store import MIGRATIONS, SCHEMA_VERSION, SignupStore
from kiosk.staff_session import StaffSession, StaffStatus

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PASSPHRASE = "maple street front desk"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "signups.db"


def uuids(db: Path) -> dict[int, str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT signup_id, entry_uuid FROM outbox").fetchall())
    finally:
        conn.close()


def fill(db: Path, count: int) -> list[bytes]:
    sealed = [os.urandom(300 + 256 * (n % 4)) for n in range(count)]
    with SignupStore.open(db) as store:
        for n, blob in enumerate(sealed):
            store.add(blob, "en-1", created_at=T0 + timedelta(minutes=n))
    return sealed


def test_every_save_gets_its_own_uuid_and_a_delete_takes_it(db: Path) -> None:
    fill(db, 20)
    ids = uuids(db)
    assert sorted(ids) == list(range(1, 21))
    assert all(UUID4.match(u) for u in ids.values())
    assert len(set(ids.values())) == 20
    with SignupStore.open(db) as store:
        assert store.delete(3)
        assert store.count() == 19
    assert 3 not in uuids(db)
    assert len(uuids(db)) == 19


@pytest.mark.expect_log("kiosk.signups.db_file", r"schema upgrade from v3")
def test_the_upgrade_gives_older_entries_uuids_of_their_own(db: Path) -> None:
    db.parent.mkdir(mode=0o700)
    conn = sqlite3.connect(db)
    for step in MIGRATIONS[:3]:
        for sql in step:
            conn.execute(sql)
    conn.executemany("INSERT INTO signups (created_at, consent_version, sealed) VALUES (?,?,?)",
                     [(f"2026-01-01T10:{n:02}:00+00:00", "en-0", os.urandom(64))
                      for n in range(50)])
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with SignupStore.open(db) as store:
        assert store.backup is not None
        assert store.count() == 50
    ids = uuids(db)
    assert sorted(ids) == list(range(1, 51))
    assert all(UUID4.match(u) for u in ids.values()), ids
    assert len(set(ids.values())) == 50
    assert SCHEMA_VERSION == 4


@pytest.mark.expect_log("kiosk.signups", r"database was damaged; moved it")
@pytest.mark.expect_log("kiosk.signups.salvage", r"salvaged \d+ sign-ups")
def test_a_salvage_keeps_each_entry_s_uuid_and_never_brings_back_one_sent(db: Path) -> None:
    fill(db, 30)
    before = uuids(db)
    data = bytearray(db.read_bytes())
    data[:100] = os.urandom(100)  # SQLite no longer even sees a database
    db.write_bytes(bytes(data))
    with SignupStore.open(db) as store:
        assert store.salvaged is not None
        assert store.salvaged.recovered == 30
        # The server may have some of these already: it must recognise them.
        assert uuids(db) == before
        queue = OutboxQueue(db)
        sent = queue.oldest(5)
        assert all(str(entry.entry_id) == before[entry.signup_id] for entry in sent)
        queue.sent(sent)
        queue.close()  # no tidy: the damaged copy still holds their bytes
    with SignupStore.open(db) as store:  # every open salvages the set-aside file again
        assert store.count() == 25
        assert {e.sealed for e in store.entries()}.isdisjoint({e.sealed for e in sent})


def test_tidy_leaves_no_byte_of_a_sent_entry_in_the_kiosk_s_files(db: Path) -> None:
    sealed = fill(db, 10)
    with SignupStore.open(db) as store:
        queue = OutboxQueue(db)
        queue.sent(queue.oldest(10))
        assert queue.tidy()
        queue.close()
        assert store.count() == 0
    for path in db.parent.iterdir():
        data = path.read_bytes()
        assert not any(blob[:32] in data for blob in sealed), path.name


def test_the_backoff_doubles_up_to_its_ceiling() -> None:
    backoff = Backoff(first_s=1.5, most_s=60)
    assert [backoff.delay(n) for n in range(1, 9)] == [1.5, 3, 6, 12, 24, 48, 60, 60]
    assert backoff.delay(10_000) == 60


# Kiosks that hold only the public key ---------------------------------------------------------

@pytest.fixture
def desk_keys(tmp_path: Path) -> Path:
    keys = tmp_path / "desk" / "clinic-keys.json"
    create_keys(keys, PASSPHRASE, opslimit=OPSLIMIT_FLOOR, memlimit=MEMLIMIT_FLOOR)
    return keys


def test_a_public_key_only_kiosk_seals_and_never_reads(tmp_path: Path, desk_keys: Path) -> None:
    keys = tmp_path / "kiosk" / "clinic-keys.json"
    save_public_key(keys, bytes(load_public_key(desk_keys)))
    assert keys.stat().st_mode & 0o777 == 0o600
    assert load_public_key(keys) == load_public_key(desk_keys)
    with pytest.raises(PublicKeyOnly):
        unlock(keys, PASSPHRASE)
    with pytest.raises(KeysExist):
        save_public_key(keys, bytes(32))
    with SignupStore.open(tmp_path / "kiosk" / "signups.db") as store:
        service = SignupService(store, keys, AuditLog(tmp_path / "kiosk" / "audit.log"))
        assert service.ready()
        assert not service.readable_here()
        guard = PinGuard(tmp_path / "kiosk" / "pin.json")
        staff = StaffSession(guard, service)
        assert staff.status() is StaffStatus.SENT_TO_DESK
        assert staff.waiting() == 0


def test_a_server_mode_kiosk_with_both_keys_still_sends_staff_to_the_desk(
        tmp_path: Path, desk_keys: Path) -> None:
    with SignupStore.open(tmp_path / "signups.db") as store:
        service = SignupService(store, desk_keys, AuditLog(tmp_path / "audit.log"))
        guard = PinGuard(tmp_path / "pin.json")
        assert StaffSession(guard, service).status() is StaffStatus.NOT_SET_UP
        assert StaffSession(guard, service, sends_to_desk=True).status() \
            is StaffStatus.SENT_TO_DESK


@pytest.mark.parametrize("form", ["keys file", "base64", "raw"])
def test_setup_public_key_takes_the_key_in_each_form(tmp_path: Path, desk_keys: Path,
                                                    form: str, capsys) -> None:
    public = bytes(load_public_key(desk_keys))
    given = {"keys file": desk_keys, "base64": tmp_path / "key.txt", "raw": tmp_path / "key.bin"}
    (tmp_path / "key.txt").write_text(base64.b64encode(public).decode() + "\n")
    (tmp_path / "key.bin").write_bytes(public)
    data = tmp_path / "kiosk"
    assert main(["kiosk", "--data-dir", str(data), "setup", "--public-key", str(given[form])]) == 0
    assert "cannot read them" in capsys.readouterr().err
    assert load_public_key(data / "clinic-keys.json") == load_public_key(desk_keys)
    # Only the public half came along, whatever the file held.
    assert "private_key" not in (data / "clinic-keys.json").read_text()


@pytest.mark.parametrize(("content", "message"), [
    (b"not a key at all\n", "holds no public key"),
    (base64.b64encode(bytes(16)) + b"\n", "a public key is 32 bytes, not 16"),
    (b"{\"format\": 1}", "the public key is damaged"),
])
def test_setup_public_key_refuses_what_is_not_a_key(tmp_path: Path, content: bytes,
                                                    message: str, capsys) -> None:
    source = tmp_path / "key.txt"
    source.write_bytes(content)
    data = tmp_path / "kiosk"
    assert main(["kiosk", "--data-dir", str(data), "setup", "--public-key", str(source)]) == 1
    assert message in capsys.readouterr().err
    assert not (data / "clinic-keys.json").exists()
