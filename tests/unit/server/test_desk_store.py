"""The desk's actions on a real PostgreSQL, each with its audit row (never patient data)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

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
    assert ("anna", desk_store.PURGE, old) in _audit(clinic)
    assert kept not in [e for _, _, e in _audit(clinic)]


def test_an_entry_dated_in_the_future_is_still_purged_in_time(clinic: Clinic) -> None:
    _send(clinic, NOW + timedelta(days=3650))
    with psycopg.connect(clinic.admin_conninfo) as conn:  # it arrived 100 days ago
        conn.execute("UPDATE entries SET received_at = %s", (NOW - timedelta(days=100),))
    with DeskStore(clinic.desk_conninfo, "anna") as desk:
        assert desk.purge_older_than(NOW - timedelta(days=90)) == 1
        assert desk.entries() == []
    # The administrator's change of another column is no desk action in the audit.
    assert [a for _, a, _ in _audit(clinic)] == [desk_store.PURGE, desk_store.PURGE,
                                                desk_store.READ]


def _trace(clinic: Clinic) -> list[tuple[str, str, uuid.UUID | None, str, str | None]]:
    with psycopg.connect(clinic.admin_conninfo) as conn:
        return [(u, a, e, login, None if client is None else str(client))
                for u, a, e, login, client in conn.execute(
                    "SELECT desk_user, action, entry_id, login, client FROM desk_audit "
                    "ORDER BY id").fetchall()]


def test_a_desk_login_used_outside_the_app_leaves_a_trace_it_cannot_forge(
        clinic: Clinic) -> None:
    one, two = _send(clinic, NOW, NOW)
    tcp = clinic.server.conninfo(clinic.desk_role, clinic.desk_password,
                                 dbname=clinic.dbname, tcp=True)
    # psql with the desk's password: no audit row written by hand, a false name tried.
    with psycopg.connect(tcp, autocommit=True) as conn:
        conn.execute("UPDATE entries SET contacted_at = now() WHERE id = %s", (one,))
        conn.execute("DELETE FROM entries")
        conn.execute("INSERT INTO desk_audit (desk_user, action) VALUES ('bob', 'export')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO desk_audit (desk_user, action, login, client) "
                         "VALUES ('bob', 'export', 'someone else', '10.0.0.9')")
    role = clinic.desk_role
    trace = _trace(clinic)
    assert sorted(trace[:3], key=lambda row: (row[1], str(row[2]))) == sorted([
        (role, desk_store.MARK_CONTACTED, one, role, "127.0.0.1"),
        (role, desk_store.DELETE, one, role, "127.0.0.1"),
        (role, desk_store.DELETE, two, role, "127.0.0.1")],
        key=lambda row: (row[1], str(row[2])))
    # A row a desk writes itself may name anyone, but not hide the login it came from.
    assert trace[3] == ("bob", desk_store.EXPORT, None, role, "127.0.0.1")


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


def test_a_flood_of_kiosk_names_lists_only_the_latest(clinic: Clinic) -> None:
    with psycopg.connect(clinic.kiosk_conninfo) as conn:  # a stolen kiosk login
        conn.execute("INSERT INTO heartbeats (kiosk, program_version, content_version, "
                     "waiting) SELECT 'fake ' || n, '1', '1', 0 "
                     "FROM generate_series(1, 5000) n")
    with KioskLink(ServerConfig(clinic.kiosk_conninfo, "room 1")) as link:
        link.heartbeat(Heartbeat("1.0", "c1", 0))
    with DeskStore(clinic.desk_conninfo, "anna") as desk:
        listed = desk.kiosks()
    assert len(listed) == desk_store.MAX_KIOSKS
    assert "room 1" in [k.kiosk for k in listed]  # the latest heard from
    assert [k.kiosk for k in listed] == sorted(k.kiosk for k in listed)
