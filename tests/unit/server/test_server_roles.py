"""The two roles on a real PostgreSQL: the server itself refuses what a role may not do."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import psycopg
import pytest

from kiosk.server.config import ServerConfig
from kiosk.server.desk_store import DeskStore
from kiosk.server.kiosk_link import Heartbeat, KioskLink
from tests.postgres import Clinic

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _link(clinic: Clinic, name: str = "waiting room 1") -> KioskLink:
    return KioskLink(ServerConfig(conninfo=clinic.kiosk_conninfo, kiosk_name=name))


@pytest.mark.parametrize("statement", [
    "SELECT * FROM entries",
    "SELECT count(*) FROM entries",
    "SELECT sealed FROM entries WHERE id = '00000000-0000-0000-0000-000000000001'",
    "UPDATE entries SET contacted_at = now()",
    "UPDATE entries SET sealed = 'x'",
    "DELETE FROM entries",
    "TRUNCATE entries",
    "SELECT * FROM heartbeats",
    "DELETE FROM heartbeats",
    "SELECT * FROM desk_audit",
    "INSERT INTO desk_audit (desk_user, action) VALUES ('x', 'y')",
    "UPDATE clinic_key SET public_key = 'x'",
    "INSERT INTO clinic_key (public_key) VALUES (decode(repeat('00', 32), 'hex'))",
    "INSERT INTO entries (id, kiosk, created_at, consent_version, sealed, contacted_at) "
    "VALUES (gen_random_uuid(), 'k', now(), 'v1', 'x', now())",
    "CREATE TABLE mine (x int)",
])
def test_the_kiosk_role_is_refused_by_the_server(clinic: Clinic, statement: str) -> None:
    with _link(clinic) as link:
        link.send(uuid.uuid4(), b"sealed bytes", NOW, "v1")
    with psycopg.connect(clinic.kiosk_conninfo, autocommit=True) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)


def test_the_same_entry_sent_twice_is_one_row(clinic: Clinic) -> None:
    entry = uuid.uuid4()
    with _link(clinic) as link:
        link.send(entry, b"\x01sealed", NOW, "v1")
        link.send(entry, b"\x01sealed", NOW, "v1")
        link.send(uuid.uuid4(), b"\x02other", NOW, "v1")
    with DeskStore(clinic.desk_conninfo, "front desk") as desk:
        rows = desk.entries()
    assert sorted(r.sealed for r in rows) == [b"\x01sealed", b"\x02other"]
    assert {r.kiosk for r in rows} == {"waiting room 1"}
    assert [r.id for r in rows].count(entry) == 1


def test_a_heartbeat_reaches_the_desk(clinic: Clinic) -> None:
    with _link(clinic, "room 2") as link:
        link.heartbeat(Heartbeat("1.0", "content-7", 3, "ServerUnavailable"))
    with DeskStore(clinic.desk_conninfo, "front desk") as desk:
        [status] = desk.kiosks()
    assert (status.kiosk, status.program_version, status.content_version, status.waiting,
            status.last_error) == ("room 2", "1.0", "content-7", 3, "ServerUnavailable")


def test_a_new_entry_wakes_the_waiting_desk(clinic: Clinic) -> None:
    with DeskStore(clinic.desk_conninfo, "front desk") as desk, _link(clinic) as link:
        assert desk.wait_for_change(0.05) is False
        link.send(uuid.uuid4(), b"sealed", NOW, "v1")
        assert desk.wait_for_change(10) is True
        assert desk.wait_for_change(0.05) is False


def test_closing_the_store_ends_a_wait_in_another_thread(clinic: Clinic) -> None:
    desk = DeskStore(clinic.desk_conninfo, "front desk")
    assert desk.wait_for_change(0.01) is False
    result: list[bool] = []
    waiter = threading.Thread(target=lambda: result.append(desk.wait_for_change(60)))
    waiter.start()
    desk.close()
    waiter.join(timeout=20)
    assert not waiter.is_alive()
    assert result == [False]
