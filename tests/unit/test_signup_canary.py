"""A sign-up with a unique word in it goes through everything the kiosk does; then no file in
the data or log folder, and no log record, may contain that word in plain text."""

from __future__ import annotations

import logging
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.signups.crypto import (
    FLOOR_COST,
    MEMLIMIT_FLOOR,
    OPSLIMIT_FLOOR,
    create_keys,
    load_public_key,
    seal,
)
from kiosk.signups.entry import Signup, validate
from kiosk.signups.service import SignupService, pad
from kiosk.signups.store import MIGRATIONS, SignupStore, StoreUnavailable

PASSPHRASE = "maple street front desk"




def files_under(*folders: Path) -> list[Path]:
    return sorted({p for folder in folders for p in folder.rglob("*") if p.is_file()})


def leaks(canary: str, *folders: Path) -> list[str]:
    forms = (canary.encode("utf-8"), canary.encode("utf-16-le"))
    return [p.name for p in files_under(*folders) if any(f in p.read_bytes() for f in forms)]


def make_v1_with(db: Path, sealed: bytes) -> None:
    """An old (v1) database holding one entry, so the run includes a migration backup."""
    db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(db)
    for sql in MIGRATIONS[0]:
        conn.execute(sql)
    conn.execute("INSERT INTO signups (created_at, consent_version, sealed) VALUES (?,?,?)",
                 ("2026-01-01T10:00:00+00:00", "en-0", sealed))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def submit_until_full(service: SignupService, signup: Signup) -> StoreUnavailable:
    for _ in range(100):
        try:
            service.submit(signup)
        except StoreUnavailable as e:
            return e
    raise AssertionError("the page limit never filled up")


@pytest.mark.expect_log("kiosk.signups.store", r"cannot save the sign-up \(SQLITE_FULL\)")
def test_the_canary_never_appears_in_plain_text(kiosk_logging, caplog, tmp_path):
    settings = kiosk_logging
    canary = "canary" + secrets.token_hex(8)
    form = {"name": f"Zoë {canary}", "phone": "(202) 555-0143",
            "email": f"{canary}@example.org", "contact_time": "morning",
            "note": f"back pain {canary}"}
    signup, errors = validate(form, True, "en-2026-11-1", settings.phone_region)
    assert errors == {}
    assert signup is not None
    create_keys(settings.keys_file, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    old_entry = seal(load_public_key(settings.keys_file), pad(signup.to_json()))
    make_v1_with(settings.signups_db, old_entry)
    now = [datetime.now(UTC)]
    usb = tmp_path / "usb"  # outside the data folder: an export is plain text on purpose
    usb.mkdir()

    with caplog.at_level(logging.DEBUG):
        store = SignupStore.open(settings.signups_db)
        assert store.backup is not None
        service = SignupService(store, settings.keys_file, AuditLog(settings.audit_log),
                                clock=lambda: now[0], key_cost=FLOOR_COST)
        assert service.ready()
        kept = service.submit(signup)
        gone = service.submit(signup)
        reader = service.unlock(PASSPHRASE)
        assert sum(canary in e.signup.name for e in reader.entries()) == 3
        reader.mark_contacted(kept)
        reader.delete(gone)
        exported = reader.export(usb)
        # A full disk while saving: the error and the log say so without the patient's words.
        conn = store._conn  # the page limit is per connection
        assert conn is not None
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        full = submit_until_full(service, signup)
        conn.execute("PRAGMA max_page_count = 1073741823")
        now[0] += timedelta(days=200)
        stored = len(store.entries())
        assert stored > 2
        assert service.purge_expired(settings.retention_days) == stored
        # Everything on disk while the store is open (WAL and shared memory included)...
        assert leaks(canary, settings.data_dir, settings.log_dir) == []
        store.close()

    # ...and after it closed.
    names = {p.name for p in files_under(settings.data_dir)}
    assert {"signups.db", "signups.db.lock", "clinic-keys.json", "audit.log"} <= names
    # The migration backup held the canary too; it went once the upgrade checked out.
    assert not any(name.startswith("signups.db.backup-") for name in names)
    assert settings.log_file.stat().st_size > 0
    assert leaks(canary, settings.data_dir, settings.log_dir) == []

    # The search does find the word where it is meant to be: the export the desk asked for.
    assert leaks(canary, usb) == [exported.name]

    for text in (str(full), repr(full), repr(full.__cause__)):
        assert canary not in text
    assert caplog.records, "the run logged nothing: the log check would prove nothing"
    for record in caplog.records:
        assert canary not in record.getMessage()
        assert canary not in repr(record.args)
        assert canary not in (record.exc_text or "")
