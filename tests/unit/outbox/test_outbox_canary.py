"""A sign-up with a unique word in it goes from the kiosk through an outage to the clinic
server; then no file of the server's data folder, the server's log, the kiosk's data folder or
the kiosk's log holds that word, and no log record either. The kiosk's name, stored in the
clear on the server, is found there: the search does read where the data lands."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import psycopg
import pytest

from kiosk.audit import AuditLog
from kiosk.outbox.queue import OutboxQueue
from kiosk.outbox.shipper import Backoff, Shipper
from kiosk.server.config import ServerConfig
from kiosk.server.kiosk_link import KioskLink
from kiosk.signups.crypto import FLOOR_COST, MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys
from kiosk.signups.entry import validate
from kiosk.signups.service import SignupService
from kiosk.signups.store import SignupStore

PASSPHRASE = "maple street front desk"




def holding(word: str, *places: Path) -> list[str]:
    forms = (word.encode("utf-8"), word.encode("utf-16-le"))
    files = {p for place in places for p in ([place] if place.is_file() else place.rglob("*"))
             if p.is_file()}
    return sorted(str(p) for p in files if any(f in p.read_bytes() for f in forms))


@pytest.mark.expect_log("kiosk.outbox.shipper", r"outbox: .*sign-ups wait on this kiosk")
def test_the_canary_reaches_the_server_sealed_only(kiosk_logging, caplog, private_postgres):
    settings = kiosk_logging
    server = private_postgres
    clinic = server.fresh_clinic()
    canary = "canary" + secrets.token_hex(8)
    room = "room" + secrets.token_hex(8)
    form = {"name": f"Zoë {canary}", "phone": "(202) 555-0143",
            "email": f"{canary}@example.org", "contact_time": "morning",
            "note": f"back pain {canary}"}
    signup, errors = validate(form, True, "en-2026-11-1", settings.phone_region)
    assert errors == {}
    assert signup is not None
    create_keys(settings.keys_file, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    config = ServerConfig(clinic.kiosk_conninfo, room, connect_timeout_seconds=2)

    with caplog.at_level(logging.DEBUG):
        store = SignupStore.open(settings.signups_db)
        service = SignupService(store, settings.keys_file, AuditLog(settings.audit_log),
                                key_cost=FLOOR_COST)
        shipper = Shipper(lambda: OutboxQueue(store.path), lambda: KioskLink(config),
                          program_version="9.9", content_version=lambda: "c", heartbeat_s=30,
                          backoff=Backoff(first_s=1))
        server.stop()
        service.submit(signup)  # saved while the server is away
        assert shipper.tick(0.0) == 1.0
        assert store.count() == 1
        server.start()
        service.submit(signup)
        shipper.tick(1.0)
        assert store.count() == 0
        shipper.close()
        store.close()

    with psycopg.connect(clinic.admin_conninfo, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM entries").fetchone() == (2,)
        conn.execute("CHECKPOINT")  # the tables' own files, not only the server's WAL
    server.stop()  # everything on disk, logs closed

    places = (server.data_dir, server.log_file, settings.data_dir, settings.log_dir)
    assert holding(canary, *places) == []
    assert holding(room, server.data_dir) != []  # the search finds what is stored in clear
    assert settings.log_file.stat().st_size > 0
    assert caplog.records, "the run logged nothing: the log check would prove nothing"
    for record in caplog.records:
        assert canary not in record.getMessage()
        assert canary not in repr(record.args)
        assert canary not in (record.exc_text or "")
