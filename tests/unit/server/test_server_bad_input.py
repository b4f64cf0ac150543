"""Bad input and a server away, on a real PostgreSQL: a clear message, and nothing lost."""

from __future__ import annotations

import os
import pwd
import uuid
from datetime import UTC, datetime

import psycopg
import pytest

from kiosk.server.config import ServerConfig
from kiosk.server.desk_store import DeskStore
from kiosk.server.errors import (
    EntryRejected,
    InsecureConnection,
    SchemaTooNew,
    ServerUnavailable,
    WrongRole,
)
from kiosk.server.kiosk_link import KioskLink
from kiosk.server.schema import SCHEMA_VERSION, init_server
from tests.postgres import Clinic, PostgresServer
from tests.small_disk import small_tmpfs

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _link(conninfo: str) -> KioskLink:
    return KioskLink(ServerConfig(conninfo=conninfo, kiosk_name="room 1",
                                  connect_timeout_seconds=5))


def _on_server(clinic: Clinic) -> list[bytes]:
    with DeskStore(clinic.desk_conninfo, "front desk") as desk:
        return [e.sealed for e in desk.entries()]


@pytest.mark.parametrize("tcp", [False, True])
def test_a_wrong_password_is_named_and_nothing_is_stored(clinic: Clinic, tcp: bool) -> None:
    conninfo = clinic.server.conninfo(clinic.kiosk_role, "not-the-password",
                                      dbname=clinic.dbname, tcp=tcp)
    with _link(conninfo) as link, pytest.raises(ServerUnavailable) as caught:
        link.send(uuid.uuid4(), b"sealed", NOW, "v1")
    assert "refused the password" in str(caught.value)
    assert _on_server(clinic) == []


def test_a_server_without_tls_is_refused_when_tls_is_required(clinic: Clinic) -> None:
    # The test server has no certificate: it cannot offer TLS, and the settings ask for it.
    conninfo = clinic.server.conninfo(clinic.kiosk_role, clinic.kiosk_password,
                                      dbname=clinic.dbname, tcp=True, sslmode="require")
    with _link(conninfo) as link, pytest.raises(ServerUnavailable) as caught:
        link.send(uuid.uuid4(), b"sealed", NOW, "v1")
    assert "does not offer an encrypted (TLS) connection" in str(caught.value)


@pytest.mark.parametrize("conninfo", [
    "host=clinic-server.example dbname=clinic user=kiosk",
    "host=192.0.2.7 dbname=clinic user=kiosk sslmode=require",
    "host=localhost,192.0.2.7 dbname=clinic user=kiosk sslmode=verify-ca",
    "hostaddr=192.0.2.7 dbname=clinic user=kiosk",
])
def test_another_computer_without_verify_full_is_refused_before_connecting(
        conninfo: str) -> None:
    # 192.0.2.0/24 is TEST-NET-1: nothing answers there, so a refusal that came from trying
    # would take the connect timeout; this one comes first, and says what to write.
    with _link(conninfo) as link, pytest.raises(InsecureConnection) as caught:
        link.send(uuid.uuid4(), b"sealed", NOW, "v1")
    assert "sslmode=verify-full" in str(caught.value)
    assert "Nothing was sent" in str(caught.value)


def test_a_service_file_host_counts_too(tmp_path: pytest.TempPathFactory,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    service = tmp_path / "pg_service.conf"  # type: ignore[operator]
    service.write_text("[clinic-kiosk]\nhost=clinic-server.example\ndbname=clinic\n"
                       "user=kiosk\nsslmode=require\n")
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    with _link("service=clinic-kiosk") as link, pytest.raises(InsecureConnection):
        link.send(uuid.uuid4(), b"sealed", NOW, "v1")


def test_a_schema_newer_than_the_program_is_refused_and_left_alone(clinic: Clinic) -> None:
    with psycopg.connect(clinic.admin_conninfo, autocommit=True) as conn:
        conn.execute("INSERT INTO kiosk_schema (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
    with _link(clinic.kiosk_conninfo) as link, pytest.raises(SchemaTooNew) as caught:
        link.send(uuid.uuid4(), b"sealed", NOW, "v1")
    assert f"schema version {SCHEMA_VERSION + 1}, newer than this program" in str(caught.value)
    with pytest.raises(SchemaTooNew):
        DeskStore(clinic.desk_conninfo, "front desk").entries()
    with pytest.raises(SchemaTooNew):
        init_server(clinic.admin_conninfo, kiosk_role=clinic.kiosk_role,
                    desk_role=clinic.desk_role)
    with psycopg.connect(clinic.admin_conninfo) as conn:
        versions = conn.execute("SELECT version FROM kiosk_schema ORDER BY 1").fetchall()
    assert [v for (v,) in versions] == [*range(1, SCHEMA_VERSION + 1), SCHEMA_VERSION + 1]


def test_a_desk_on_the_kiosk_login_is_told_so(clinic: Clinic) -> None:
    with DeskStore(clinic.kiosk_conninfo, "front desk") as desk, \
            pytest.raises(WrongRole) as caught:
        desk.entries()
    assert "the desk needs the desk role's login" in str(caught.value)


def test_a_kiosk_on_a_login_that_may_not_send_is_told_so(clinic: Clinic) -> None:
    with _link(clinic.desk_conninfo) as link, pytest.raises(WrongRole):
        link.send(uuid.uuid4(), b"sealed", NOW, "v1")


def test_a_kiosk_on_a_login_that_can_read_refuses_to_send(clinic: Clinic) -> None:
    # The administrator may insert, but a stolen kiosk would then read everything.
    with _link(clinic.admin_conninfo) as link, \
            pytest.raises(WrongRole, match="can read sign-ups"):
        link.send(uuid.uuid4(), b"sealed", NOW, "v1")
    assert _on_server(clinic) == []


def test_a_server_that_is_down_is_named_and_the_link_recovers(
        private_postgres: PostgresServer) -> None:
    clinic = private_postgres.fresh_clinic()
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with _link(clinic.kiosk_conninfo) as link:
        link.send(first, b"one", NOW, "v1")
        private_postgres.stop()
        with pytest.raises(ServerUnavailable) as caught:
            link.send(second, b"two", NOW, "v1")
        assert "not running on this computer" in str(caught.value)
        private_postgres.start()
        link.send(second, b"two", NOW, "v1")
        # A connection kept across a restart: the first send after it still arrives.
        private_postgres.stop()
        private_postgres.start()
        link.send(third, b"three", NOW, "v1")
    assert sorted(_on_server(clinic)) == [b"one", b"three", b"two"]


def test_a_desk_that_loses_the_server_says_so_and_reconnects(
        private_postgres: PostgresServer) -> None:
    clinic = private_postgres.fresh_clinic()
    with DeskStore(clinic.desk_conninfo, "front desk") as desk:
        assert desk.entries() == []
        private_postgres.stop()
        with pytest.raises(ServerUnavailable):
            desk.entries()
        with pytest.raises(ServerUnavailable):
            desk.wait_for_change(0.1)
        private_postgres.start()
        assert desk.entries() == []
        assert desk.wait_for_change(0.05) is False


@pytest.mark.parametrize(("sealed", "consent"), [(b"", "v1"), (b"x" * 65537, "v1"),
                                                 (b"x", "v" * 101)])
def test_a_malformed_entry_is_rejected_alone(clinic: Clinic, sealed: bytes,
                                             consent: str) -> None:
    with _link(clinic.kiosk_conninfo) as link:
        with pytest.raises(EntryRejected, match="sending it again will not help"):
            link.send(uuid.uuid4(), sealed, NOW, consent)
        link.send(uuid.uuid4(), b"fine", NOW, "v1")
    assert _on_server(clinic) == [b"fine"]


def test_a_full_server_disk_is_named_and_nothing_is_lost(
        private_postgres: PostgresServer) -> None:
    clinic = private_postgres.fresh_clinic()
    # Inside the server's own folder: the postgres user may not enter pytest's.
    with small_tmpfs(private_postgres.base / "small", "1m") as small:
        if private_postgres.run_as is not None:
            user = pwd.getpwnam(private_postgres.run_as)
            os.chown(small, user.pw_uid, user.pw_gid)
        with psycopg.connect(clinic.admin_conninfo, autocommit=True) as conn:
            conn.execute(f"CREATE TABLESPACE small LOCATION '{small}'")
            conn.execute("ALTER TABLE entries SET TABLESPACE small")
        acknowledged = []
        with _link(clinic.kiosk_conninfo) as link:
            for _ in range(1000):  # 1 MiB holds a few hundred of these
                entry = uuid.uuid4()
                try:
                    link.send(entry, os.urandom(3000), NOW, "v1")
                except ServerUnavailable as e:
                    failed, message = entry, str(e)
                    break
                acknowledged.append(entry)
            else:
                pytest.fail("the small disk never filled")
            assert "the clinic server's disk is full" in message
            # IT makes room: the same entry, sent again, arrives once.
            with psycopg.connect(clinic.admin_conninfo, autocommit=True) as conn:
                conn.execute("ALTER TABLE entries SET TABLESPACE pg_default")
                conn.execute("DROP TABLESPACE small")
            link.send(failed, b"again", NOW, "v1")
    with DeskStore(clinic.desk_conninfo, "front desk") as desk:
        ids = [e.id for e in desk.entries()]
    assert sorted(ids) == sorted([*acknowledged, failed])
