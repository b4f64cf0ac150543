"""The desk's actions on a real PostgreSQL, each with its audit row (never patient data)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg

from kiosk.server import desk_store
from kiosk.server.config import ServerConfig
from kiosk.server.desk_store import DeskStore
from kiosk.server.kiosk_link import Heartbeat, KioskLink
from tests.postgres import Clinic

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _audit(clinic: Clinic) -> list[tuple[str, str, uuid.UUID | None]]:
    with psycopg.connect(clinic.admin_conninfo) as conn:
        return conn.execute(
            "SELECT desk_user, action, entry_id FROM desk_audit ORDER BY id").fetchall()


def _send(clinic: Clinic, *created: datetime) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in created]
    with KioskLink(ServerConfig(clinic.kiosk_conninfo, "room 1")) as link:
        for entry_id, at in zip(ids, created, strict=True):
            link.send(entry_id, b"sealed " + entry_id.bytes, at, "v1")
    return ids


def test_entries_come_newest_first_and_the_reading_is_recorded_once(clinic: Clinic) -> None:
    old, new = _send(clinic, NOW - timedelta(hours=1), NOW)
    with DeskStore(clinic.desk_conninfo, "anna") as desk:
        assert [e.id for e in desk.entries()] == [new, old]
        desk.entries()
        [entry, _] = desk.entries()
    assert entry.sealed == b"sealed " + new.bytes
    assert (entry.kiosk, entry.created_at, entry.consent_version, entry.contacted_at) == (
        "room 1", NOW, "v1", None)
    assert _audit(clinic) == [("anna", desk_store.READ, None)]


def test_mark_undo_and_delete_are_audited_by_entry_id(clinic: Clinic) -> None:
    [entry] = _send(clinic, NOW)
    with DeskStore(clinic.desk_conninfo, "anna") as desk:
        assert desk.mark_contacted(entry, True) is True
        assert desk.entries()[0].contacted_at is not None
        assert desk.mark_contacted(entry, False) is True
        assert desk.entries()[0].contacted_at is None
        assert desk.delete(entry) is True
        assert desk.delete(entry) is False
        assert desk.mark_contacted(entry, True) is False
        assert desk.entries() == []
        desk.record(desk_store.EXPORT)
    assert _audit(clinic) == [
        ("anna", desk_store.MARK_CONTACTED, entry), ("anna", desk_store.READ, None),
        ("anna", desk_store.UNDO_CONTACTED, entry), ("anna", desk_store.DELETE, entry),
        ("anna", desk_store.EXPORT, None)]


def test_purge_deletes_what_is_past_retention_and_old_heartbeats(clinic: Clinic) -> None:
    old, kept = _send(clinic, NOW - timedelta(days=91), NOW - timedelta(days=89))
    with KioskLink(ServerConfig(clinic.kiosk_conninfo, "room 1")) as link:
        link.heartbeat(Heartbeat("1.0", "c1", 0))
    with psycopg.connect(clinic.admin_conninfo) as conn:
        conn.execute("UPDATE heartbeats SET at = %s", (NOW - timedelta(days=100),))
    with DeskStore(clinic.desk_conninfo, "anna") as desk:
        assert desk.purge_older_than(NOW - timedelta(days=90)) == 1
        assert [e.id for e in desk.entries()] == [kept]
        assert desk.kiosks() == []
    assert (desk_store.PURGE, None) in [(a, e) for _, a, e in _audit(clinic)]
    assert old not in [e for _, _, e in _audit(clinic)]


def test_the_public_key_goes_from_the_desk_to_the_kiosks(clinic: Clinic) -> None:
    with KioskLink(ServerConfig(clinic.kiosk_conninfo, "room 1")) as link:
        assert link.public_key() is None
        with DeskStore(clinic.desk_conninfo, "anna") as desk:
            desk.set_public_key(b"\x01" * 32)
            desk.set_public_key(b"\x02" * 32)
        assert link.public_key() == b"\x02" * 32
    assert [a for _, a, _ in _audit(clinic)] == [desk_store.SET_PUBLIC_KEY] * 2


def test_kiosks_show_each_ones_last_heartbeat(clinic: Clinic) -> None:
    for name, waiting in (("room 1", 0), ("room 1", 2), ("room 2", 0)):
        with KioskLink(ServerConfig(clinic.kiosk_conninfo, name)) as link:
            link.heartbeat(Heartbeat("1.0", "c1", waiting))
    with DeskStore(clinic.desk_conninfo, "anna") as desk:
        one, two = desk.kiosks()
    assert (one.kiosk, one.waiting, two.kiosk, two.waiting) == ("room 1", 2, "room 2", 0)
    assert one.last_empty is not None
    assert one.last_empty <= one.last_seen
    assert _audit(clinic) == []
