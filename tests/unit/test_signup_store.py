"""The SQLite store on real files: round trip, privacy, locking, upgrades, damage, bad disks.

The service that sits on top of it (seal, unlock, purge, audit) is tested at the end.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.config import PROJECT_ROOT
from kiosk.signups.crypto import (
    FLOOR_COST,
    MEMLIMIT_FLOOR,
    OPSLIMIT_FLOOR,
    KeysMissing,
    WrongPassphrase,
    create_keys,
)
from kiosk.signups.entry import Signup
from kiosk.signups.service import PAD_TO, ExportFolderMissing, SignupService
from kiosk.signups.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    SignupStore,
    StoreLocked,
    StoreUnavailable,
)

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
PASSPHRASE = "maple street front desk"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "data" / "signups.db"


@pytest.fixture
def store(db):
    with SignupStore.open(db) as opened:
        yield opened


# Round trip ---------------------------------------------------------------------------------

def test_round_trip_newest_first(db):
    with SignupStore.open(db) as store:
        first = store.add(b"sealed-1", "en-1", created_at=T0)
        second = store.add(b"sealed-2", "en-2", created_at=T0 + timedelta(hours=1))
        third = store.add(b"sealed-3", "en-2", created_at=T0 + timedelta(hours=1))
    with SignupStore.open(db) as store:
        entries = store.entries()
    assert [e.id for e in entries] == [third, second, first]
    assert entries[2].sealed == b"sealed-1"
    assert entries[2].consent_version == "en-1"
    assert entries[2].created_at == T0
    assert entries[2].contacted_at is None


def test_ids_are_never_reused_after_a_delete(store):
    first = store.add(b"x", "v")
    assert store.delete(first)
    assert store.add(b"y", "v") > first


def new_count(store) -> int:
    return sum(e.contacted_at is None for e in store.entries())


def test_mark_contacted_count_new_and_delete(store):
    a = store.add(b"a", "v", created_at=T0)
    b = store.add(b"b", "v", created_at=T0)
    assert new_count(store) == 2
    assert store.mark_contacted(a, T0 + timedelta(days=1))
    assert new_count(store) == 1
    assert {e.id: e.contacted_at for e in store.entries()}[a] == T0 + timedelta(days=1)
    assert store.delete(b)
    assert [e.id for e in store.entries()] == [a]
    assert not store.delete(b)
    assert not store.mark_contacted(999)


def test_times_must_carry_a_time_zone(store):
    with pytest.raises(ValueError, match="time zone"):
        store.add(b"x", "v", created_at=datetime(2026, 1, 1))


def test_retention_purge(store):
    now = datetime.now(UTC)
    ages = {100: None, 91: None, 89: None, 0: None}
    for days in ages:
        ages[days] = store.add(b"x", "v", created_at=now - timedelta(days=days))
    assert store.purge_older_than(now - timedelta(days=90)) == 2
    assert {e.id for e in store.entries()} == {ages[89], ages[0]}
    assert store.purge_older_than(now - timedelta(days=90)) == 0


# Settings and privacy -----------------------------------------------------------------------

def test_wal_full_sync_and_schema_version(store):
    conn = store._conn  # the pragmas are per connection
    assert conn is not None
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = [row[1] for row in conn.execute("PRAGMA table_info(signups)")]
    assert columns == ["id", "created_at", "consent_version", "sealed", "contacted_at"]


def test_every_file_is_private(db):
    os.umask(old := os.umask(0o022))  # the usual umask, to show it does not matter
    with SignupStore.open(db) as store:
        store.add(b"x", "v")
        files = {p.name: mode(p) for p in db.parent.iterdir()}
    assert files == {"signups.db": 0o600, "signups.db-wal": 0o600, "signups.db-shm": 0o600,
                     "signups.db.lock": 0o600}
    assert mode(db.parent) == 0o700
    assert old == os.umask(old)


def test_older_loose_modes_are_tightened(db):
    with SignupStore.open(db) as store:
        store.add(b"x", "v")
    db.chmod(0o644)
    db.parent.chmod(0o755)
    with SignupStore.open(db):
        assert mode(db) == 0o600
        assert mode(db.parent) == 0o700


def test_deleted_entries_do_not_linger_in_the_files(store, db):
    marker = b"LINGER-7f3a9c" * 40
    keep = store.add(b"k" * 600, "v")
    gone = store.add(marker, "v")
    store.add(b"z" * 600, "v")
    assert store.delete(gone)
    files = [p for p in db.parent.iterdir() if p.is_file()]
    assert all(marker[:13] not in p.read_bytes() for p in files), [p.name for p in files]
    assert keep in {e.id for e in store.entries()}


# One user at a time -------------------------------------------------------------------------

def test_a_second_open_is_refused_until_the_first_closes(db):
    first = SignupStore.open(db)
    with pytest.raises(StoreLocked):
        SignupStore.open(db)
    first.close()
    first.close()  # twice is fine
    with SignupStore.open(db) as again:
        assert again.entries() == []


def test_a_second_process_is_refused(store, db):
    code = ("import sys\nfrom pathlib import Path\n"
            "from kiosk.signups.store import SignupStore, StoreLocked\n"
            "try:\n    SignupStore.open(Path(sys.argv[1]))\n"
            "except StoreLocked:\n    sys.exit(3)\n")
    result = subprocess.run([sys.executable, "-c", code, str(db)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 3, result.stderr


def test_a_closed_store_refuses_politely(db):
    store = SignupStore.open(db)
    store.close()
    with pytest.raises(StoreUnavailable, match="closed"):
        store.add(b"x", "v")


# Schema upgrades ----------------------------------------------------------------------------

def make_v1(db: Path, rows: int) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db)
    for sql in MIGRATIONS[0]:
        conn.execute(sql)
    for n in range(rows):
        conn.execute("INSERT INTO signups (created_at, consent_version, sealed) VALUES (?,?,?)",
                     (f"2026-01-0{n + 1}T10:00:00+00:00", "en-0", f"old-{n}".encode()))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def test_migrating_v1_backs_up_first_and_drops_the_backup_once_checked(db, caplog):
    make_v1(db, rows=3)
    with caplog.at_level(logging.INFO), SignupStore.open(db) as store:
        backup = store.backup
        entries = store.entries()
        store.mark_contacted(entries[0].id, T0)
    assert backup is not None
    assert backup.name.startswith("signups.db.backup-v1-")
    assert f"old database copied to {backup.name}" in caplog.text
    assert "removed 1 migration backup" in caplog.text
    assert not backup.exists()  # see test_signup_copies: a kept backup outlives deletes
    assert [e.sealed for e in entries] == [b"old-2", b"old-1", b"old-0"]
    assert all(e.contacted_at is None for e in entries)
    # Up to date now: the next open neither migrates nor backs up again.
    with SignupStore.open(db) as store:
        assert store.backup is None
        assert new_count(store) == 2
    assert list(db.parent.glob("*.backup-*")) == []


def test_a_fresh_database_needs_no_backup(store):
    assert store.backup is None


def test_a_database_from_a_newer_kiosk_is_left_alone(db):
    make_v1(db, rows=1)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreUnavailable, match="newer kiosk"):
        SignupStore.open(db)
    assert db.read_bytes() == before
    assert not list(db.parent.glob("*.corrupt-*"))
    with pytest.raises(StoreUnavailable):  # the lock was released: same answer, not Locked
        SignupStore.open(db)


# Damaged files ------------------------------------------------------------------------------

def set_aside_check(db: Path, damaged: bytes, caplog: pytest.LogCaptureFixture,
                    before: list[bytes]) -> None:
    """The damaged file is kept as it was; what the store still holds came from it."""
    with caplog.at_level(logging.WARNING), SignupStore.open(db) as store:
        aside = store.recovered_from
        assert aside is not None
        assert store.salvaged is not None
        assert aside.name.startswith("signups.db.corrupt-")
        assert aside.read_bytes() == damaged
        salvaged = [e.sealed for e in store.entries()]
        assert set(salvaged) <= set(before)
        assert store.salvaged.recovered == len(salvaged)
        store.add(b"new", "v")
    assert "damaged" in caplog.text
    assert integrity(db) == "ok"
    with SignupStore.open(db) as store:
        assert store.recovered_from is None
        assert store.entries()[0].sealed == b"new"


@pytest.mark.expect_log("kiosk.signups.store", r"database was damaged; moved it")
def test_garbage_is_set_aside_with_its_wal(db, caplog):
    db.parent.mkdir(parents=True)
    garbage = os.urandom(8192)
    db.write_bytes(garbage)
    db.with_name("signups.db-wal").write_bytes(b"stale wal")
    set_aside_check(db, garbage, caplog, [])
    assert len(list(db.parent.glob("signups.db.corrupt-*-wal"))) == 1


@pytest.mark.parametrize("keep", [0.5, 2 / 3, "one page", "header"])
@pytest.mark.expect_log("kiosk.signups", r"database was damaged; moved it")
@pytest.mark.expect_log("kiosk.signups.salvage", r"salvaged \d+ sign-ups")
def test_a_truncated_database_is_set_aside(db, caplog, keep):
    with SignupStore.open(db) as store:
        for _ in range(60):
            store.add(os.urandom(700), "v")
        before = [e.sealed for e in store.entries()]
    data = db.read_bytes()
    size = {"one page": 4096, "header": 100}.get(keep) if isinstance(keep, str) else None
    damaged = data[: size or int(len(data) * float(keep)) // 4096 * 4096 + 1000]
    db.write_bytes(damaged)
    set_aside_check(db, damaged, caplog, before)


# Bad disks ----------------------------------------------------------------------------------

@pytest.mark.expect_log("kiosk.signups.store", r"cannot save the sign-up \(SQLITE_FULL\)")
def test_disk_full_loses_nothing_and_writes_nothing_half(store, db):
    """SQLite's max_page_count makes it hit a real SQLITE_FULL, as root or not."""
    kept = store.add(b"k" * 100, "v")
    conn = store._conn  # the limit is per connection
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreUnavailable, match="disk is full") as caught:
        store.add(b"PATIENT" * 2000, "v")
    assert "PATIENT" not in str(caught.value)
    assert [e.id for e in store.entries()] == [kept]
    assert integrity(db) == "ok"
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.add(b"after", "v") > kept


@pytest.mark.expect_log(
    "kiosk.signups.store", r"cannot (save|delete|mark) the sign-up.*\(SQLITE_READONLY\)")
def test_a_write_refused_by_sqlite_is_unavailable(store):
    """``query_only`` makes SQLite refuse writes with SQLITE_READONLY, as for a read-only file."""
    kept = store.add(b"k", "v")
    conn = store._conn
    assert conn is not None
    conn.execute("PRAGMA query_only = ON")
    for write in (lambda: store.add(b"x", "v"), lambda: store.delete(kept),
                  lambda: store.mark_contacted(kept)):
        with pytest.raises(StoreUnavailable, match="read-only"):
            write()
    assert [e.id for e in store.entries()] == [kept]


NOBODY = 65534
READ_ONLY_CHILD = """
import json, os, sys
from pathlib import Path
from kiosk.signups.store import SignupStore, StoreUnavailable
os.chdir(sys.argv[1])
if os.geteuid() == 0:  # root ignores file modes: become a user they apply to
    os.setgid(int(sys.argv[2]))
    os.setuid(int(sys.argv[2]))
try:
    store = SignupStore.open(Path("signups.db"))
except StoreUnavailable as e:
    print(json.dumps({"open": str(e)}))
    sys.exit()
result = {"open": "ok", "entries": len(store.entries())}
try:
    store.add(b"new", "v")
    result["add"] = "saved"
except StoreUnavailable as e:
    result["add"] = str(e)
print(json.dumps(result))
"""


@pytest.fixture
def kiosk_user_db(tmp_path):
    """A database path the child below can reach once it is no longer root.

    pytest's tmp_path lies under a 0700 root folder that ``nobody`` cannot pass through
    (SQLite opens -wal and -shm by their full path), so as root use a folder in /tmp.
    """
    if os.geteuid() != 0:
        yield tmp_path / "data" / "signups.db"
        return
    top = Path(tempfile.mkdtemp(prefix="kiosk-read-only-"))
    os.chown(top, NOBODY, NOBODY)
    try:
        yield top / "data" / "signups.db"
    finally:
        shutil.rmtree(top)


@pytest.mark.parametrize("what", ["folder", "file"])
def test_read_only_for_real(kiosk_user_db, what):
    """File modes the kernel enforces. Root ignores them, so as root the child gives up root
    first (to ``nobody``, who then owns the folder, as the kiosk user would)."""
    db = kiosk_user_db
    with SignupStore.open(db) as store:
        store.add(b"sealed", "v")
    folder = db.parent
    if os.geteuid() == 0:
        for path in (folder, *folder.iterdir()):
            os.chown(path, NOBODY, NOBODY)
    made_read_only = [db] + ([db.with_name("signups.db.lock"), folder] if what == "folder"
                             else [])
    for path in made_read_only:
        path.chmod(0o500 if path.is_dir() else 0o400)
    try:
        result = subprocess.run([sys.executable, "-c", READ_ONLY_CHILD, str(folder), str(NOBODY)],
                                cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    finally:
        for path in made_read_only:
            path.chmod(0o700 if path.is_dir() else 0o600)
    outcome = json.loads(result.stdout)
    if what == "folder":
        assert outcome == {"open": "cannot open the sign-up database: Permission denied"}
    else:  # readable, not writable: the kiosk runs, the form sends patients to the desk
        assert outcome == {"open": "ok", "entries": 1,
                           "add": "cannot save the sign-up: the disk or file is read-only"}
    with SignupStore.open(db) as store:
        assert [e.sealed for e in store.entries()] == [b"sealed"]


IO_ERROR_CHILD = """
import json, os, resource, signal, sys
from pathlib import Path
from kiosk.signups.store import SignupStore, StoreUnavailable
db = Path(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write() instead of dying
result = {}
with SignupStore.open(db) as store:
    result["before"] = store.add(b"before", "v")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    wal = db.with_name(db.name + "-wal").stat().st_size
    resource.setrlimit(resource.RLIMIT_FSIZE, (wal + 1024, hard))
    try:
        store.add(os.urandom(50_000), "v")
        result["failed"] = "saved"
    except StoreUnavailable as e:
        result["failed"] = str(e)
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    result["after"] = store.add(b"after", "v")
print(json.dumps(result))
"""


def test_a_disk_write_error_loses_nothing(db):
    """RLIMIT_FSIZE makes the kernel fail SQLite's write() with EFBIG mid-commit: a real I/O
    error (SQLITE_IOERR_WRITE), the same path as a disk that fails or turns read-only."""
    result = subprocess.run([sys.executable, "-c", IO_ERROR_CHILD, str(db)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, check=True)
    outcome = json.loads(result.stdout)
    assert outcome["failed"] == "cannot save the sign-up: the disk reported an error"
    assert integrity(db) == "ok"
    with SignupStore.open(db) as store:
        assert [e.sealed for e in store.entries()] == [b"after", b"before"]


# The service on top -------------------------------------------------------------------------

@pytest.fixture
def service(tmp_path, store):
    keys = tmp_path / "data" / "clinic-keys.json"
    create_keys(keys, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    now = [T0]
    return SignupService(store, keys, AuditLog(tmp_path / "data" / "audit.log"),
                         clock=lambda: now[0], key_cost=FLOOR_COST), now


def signup(name: str = "Ana Ruiz", note: str = "") -> Signup:
    return Signup(name=name, phone="+12025550143", email="", contact_time="morning", note=note,
                  consent_version="en-1")


@pytest.mark.expect_log("kiosk.signups.service", r"cannot save a sign-up: KeysMissing")
def test_not_ready_without_keys_and_never_stores_plain_text(tmp_path, store):
    service = SignupService(store, tmp_path / "none.json", AuditLog(tmp_path / "a.log"))
    assert not service.ready()
    with pytest.raises(StoreUnavailable, match="not set up"):
        service.submit(signup())
    assert store.entries() == []
    with pytest.raises(KeysMissing):
        service.unlock(PASSPHRASE)


def test_submit_seals_and_unlock_reads(service):
    svc, _now = service
    assert svc.ready()
    first = svc.submit(signup("Zoë Peña-Núñez"))
    svc.submit(signup("李小龍", note="x" * 300))
    stored = svc.store.entries()
    assert all(len(e.sealed) % PAD_TO == 48 % PAD_TO for e in stored)  # 48: sealed-box overhead
    assert len({len(e.sealed) for e in stored}) == 2
    with pytest.raises(WrongPassphrase):
        svc.unlock("not the passphrase")
    reader = svc.unlock(PASSPHRASE)
    names = [e.signup.name for e in reader.entries()]
    assert names == ["李小龍", "Zoë Peña-Núñez"]
    assert reader.entries()[1].id == first
    assert reader.entries()[1].created_at == T0


def test_reader_actions_are_audited_without_patient_data(service, tmp_path):
    svc, now = service
    ids = [svc.submit(signup(f"Name{n}")) for n in range(3)]
    reader = svc.unlock(PASSPHRASE)
    assert reader.mark_contacted(ids[0])
    assert reader.delete(ids[1])
    assert not reader.delete(ids[1])
    with pytest.raises(ExportFolderMissing):
        reader.export(tmp_path / "usb")  # the stick is not plugged in: nothing is written
    assert not (tmp_path / "usb").exists()
    (tmp_path / "usb").mkdir()
    path = reader.export(tmp_path / "usb")
    assert path.parent == tmp_path / "usb"
    assert mode(path) == 0o600
    now[0] = T0 + timedelta(days=100)
    assert reader.purge(90) == 2
    actions = [(r["action"], r["detail"]) for r in svc.audit.records()]
    assert actions == [
        ("unlock", ""), ("mark contacted", f"entry {ids[0]}"), ("delete", f"entry {ids[1]}"),
        ("export", f"2 entries to {path.name}"), ("purge", "2 entries older than 90 days, staff"),
    ]
    assert "Name" not in svc.audit.path.read_text()


def test_two_exports_in_the_same_second_do_not_collide(service, tmp_path):
    svc, _now = service
    svc.submit(signup())
    reader = svc.unlock(PASSPHRASE)
    (tmp_path / "out").mkdir()
    assert reader.export(tmp_path / "out") != reader.export(tmp_path / "out")


def test_automatic_purge_needs_no_passphrase_and_is_audited_only_when_it_deletes(service):
    svc, now = service
    svc.submit(signup())
    now[0] = T0 + timedelta(days=30)
    svc.submit(signup())
    assert svc.purge_expired(90) == 0
    assert svc.audit.records() == []
    now[0] = T0 + timedelta(days=91)
    assert svc.purge_expired(90) == 1
    assert [r["detail"] for r in svc.audit.records()] == [
        "1 entries older than 90 days, automatic"]
    assert new_count(svc.store) == 1
    with pytest.raises(ValueError, match="at least 1"):
        svc.purge_expired(0)


@pytest.mark.expect_log("kiosk.signups.service", r"sign-up \d+ cannot be opened with this key")
def test_an_entry_that_cannot_be_opened_is_listed_exported_and_logged_by_id(service, caplog,
                                                                           tmp_path):
    svc, _now = service
    good = svc.submit(signup())
    bad = svc.store.add(b"not sealed to this key" * 4, "en-1", created_at=T0)
    reader = svc.unlock(PASSPHRASE)
    with caplog.at_level(logging.ERROR):
        listing = reader.listing()
    assert [e.id for e in listing.entries] == [good]
    assert [(e.id, e.created_at, e.consent_version) for e in listing.unreadable] == [
        (bad, T0, "en-1")]
    assert [e.id for e in reader.entries()] == [good]
    assert f"sign-up {bad} cannot be opened" in caplog.text
    (tmp_path / "usb").mkdir()
    lines = reader.export(tmp_path / "usb").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3
    assert lines[2].startswith(f"{bad},")
    assert "could not be read" in lines[2]
    assert svc.audit.records()[-1]["detail"].endswith(", 1 unreadable")
