"""init_server on a real PostgreSQL: idempotent, exactly the privileges the spec lists."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import psycopg
import pytest

from kiosk.server.config import ServerConfig
from kiosk.server.desk_store import DeskStore
from kiosk.server.errors import ServerUnavailable
from kiosk.server.kiosk_link import KioskLink
from kiosk.server.schema import SCHEMA_VERSION, init_server
from tests.postgres import Clinic, PostgresServer

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _privileges(clinic: Clinic, role: str) -> set[tuple[str, str, str]]:
    """(privilege, table, column or '*') the role holds, as the server's catalogue says."""
    with psycopg.connect(clinic.admin_conninfo) as conn:
        tables = conn.execute(
            "SELECT privilege_type, table_name, '*' FROM information_schema.table_privileges "
            "WHERE grantee = %s", (role,)).fetchall()
        columns = conn.execute(
            "SELECT privilege_type, table_name, column_name "
            "FROM information_schema.column_privileges WHERE grantee = %s", (role,)).fetchall()
    whole = {(p, t) for p, t, _ in tables}
    # A table-wide grant shows up once per column too; keep the column rows that are not.
    return {*tables, *((p, t, c) for p, t, c in columns if (p, t) not in whole)}


KIOSK = {
    ("INSERT", "entries", c) for c in ("id", "kiosk", "created_at", "consent_version", "sealed")
} | {
    ("INSERT", "heartbeats", c)
    for c in ("kiosk", "program_version", "content_version", "waiting", "last_error")
} | {("SELECT", "clinic_key", "*"), ("SELECT", "kiosk_schema", "*")} | {
    # Published pages (issue 16): read only.
    ("SELECT", "page_versions", "*"), ("SELECT", "page_files", "*")}

DESK = {
    ("SELECT", "entries", "*"), ("UPDATE", "entries", "contacted_at"),
    ("DELETE", "entries", "*"), ("SELECT", "heartbeats", "*"), ("DELETE", "heartbeats", "*"),
    ("SELECT", "clinic_key", "*"), ("INSERT", "clinic_key", "*"),
    ("UPDATE", "clinic_key", "*"), ("SELECT", "kiosk_schema", "*"),
} | {("INSERT", "desk_audit", c) for c in ("desk_user", "action", "entry_id")} | {
    # Published pages (issue 16): added, never changed or deleted.
    (p, t, "*") for p in ("SELECT", "INSERT") for t in ("page_versions", "page_files")}


def test_each_role_holds_exactly_its_privileges(clinic: Clinic) -> None:
    assert _privileges(clinic, clinic.kiosk_role) == KIOSK
    assert _privileges(clinic, clinic.desk_role) == DESK


def test_init_twice_changes_nothing_and_keeps_the_entries(clinic: Clinic) -> None:
    entry = uuid.uuid4()
    with KioskLink(ServerConfig(clinic.kiosk_conninfo, "room 1")) as link:
        link.send(entry, b"sealed", NOW, "v1")
    # A privilege granted by hand is taken away again: the list above is the whole list.
    with psycopg.connect(clinic.admin_conninfo, autocommit=True) as conn:
        conn.execute(f'GRANT SELECT ON entries TO "{clinic.kiosk_role}"')
    again = init_server(clinic.admin_conninfo, kiosk_role=clinic.kiosk_role,
                        desk_role=clinic.desk_role)
    assert (again.version_before, again.version_after, again.roles_created) == (
        SCHEMA_VERSION, SCHEMA_VERSION, ())
    assert _privileges(clinic, clinic.kiosk_role) == KIOSK
    assert _privileges(clinic, clinic.desk_role) == DESK
    # The passwords were left as they were (None = keep).
    with DeskStore(clinic.desk_conninfo, "front desk") as desk:
        assert [e.id for e in desk.entries()] == [entry]
    with psycopg.connect(clinic.admin_conninfo) as conn:
        versions = conn.execute("SELECT version FROM kiosk_schema ORDER BY 1").fetchall()
    assert [v for (v,) in versions] == list(range(1, SCHEMA_VERSION + 1))


def test_a_new_password_replaces_the_old(clinic: Clinic) -> None:
    init_server(clinic.admin_conninfo, kiosk_role=clinic.kiosk_role,
                desk_role=clinic.desk_role, kiosk_password="a new one")
    with KioskLink(ServerConfig(clinic.kiosk_conninfo, "room 1")) as link, \
            pytest.raises(ServerUnavailable, match="refused the password"):
        link.public_key()
    new = clinic.server.conninfo(clinic.kiosk_role, "a new one", dbname=clinic.dbname)
    with KioskLink(ServerConfig(new, "room 1")) as link:
        assert link.public_key() is None


def test_the_password_never_reaches_the_server_log(postgres: PostgresServer) -> None:
    dbname = postgres.create_database()
    # log_statement set for the database: every statement init_server sends is logged.
    with psycopg.connect(postgres.admin_conninfo, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{dbname}" SET log_statement = \'all\'')
    password = "canary-" + uuid.uuid4().hex
    init_server(postgres.conninfo(dbname=dbname), kiosk_role=f"kiosk_{dbname}",
                desk_role=f"desk_{dbname}", kiosk_password=password, desk_password=password)
    log = postgres.log_file.read_text(errors="replace")
    assert f"kiosk_{dbname}" in log  # the statements were logged...
    assert password not in log  # ...with a SCRAM verifier in place of the password


def test_a_superuser_is_not_taken_as_the_kiosk_role(clinic: Clinic) -> None:
    with pytest.raises(ServerUnavailable, match="is a superuser or may replicate"):
        init_server(clinic.admin_conninfo, kiosk_role="clinic_admin",
                    desk_role=clinic.desk_role)


@pytest.mark.parametrize("role", ["Kiosk", "kiosk; drop table entries", "", "1kiosk"])
def test_a_role_name_that_is_not_plain_is_refused(clinic: Clinic, role: str) -> None:
    with pytest.raises(ValueError, match="lower-case letters"):
        init_server(clinic.admin_conninfo, kiosk_role=role, desk_role=clinic.desk_role)


def test_the_database_owner_needs_no_superuser(postgres: PostgresServer) -> None:
    # As scripts/server sets it up: the admin owns the database and may create roles, no more.
    owner = f"owner_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres.admin_conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{owner}" LOGIN CREATEROLE PASSWORD \'owner-pw\'')
    dbname = postgres.create_database()
    with psycopg.connect(postgres.admin_conninfo, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{dbname}" OWNER TO "{owner}"')
    admin = postgres.conninfo(owner, "owner-pw", dbname=dbname)
    result = init_server(admin, kiosk_role=f"kiosk_{dbname}", desk_role=f"desk_{dbname}",
                         kiosk_password="k-pw", desk_password="d-pw")
    assert result.roles_created == (f"kiosk_{dbname}", f"desk_{dbname}")
    # Again (after an update, say): the roles exist now, and only a superuser may name
    # NOSUPERUSER in an ALTER ROLE, which the first version did.
    again = init_server(admin, kiosk_role=f"kiosk_{dbname}", desk_role=f"desk_{dbname}",
                        kiosk_password="k-pw")
    assert again.roles_created == ()
    clinic = Clinic(postgres, dbname, f"kiosk_{dbname}", "k-pw", f"desk_{dbname}", "d-pw")
    assert _privileges(clinic, clinic.kiosk_role) == KIOSK
    assert _privileges(clinic, clinic.desk_role) == DESK
    with KioskLink(ServerConfig(clinic.kiosk_conninfo, "room 1")) as link:
        link.send(uuid.uuid4(), b"sealed", NOW, "v1")
    # A role of another database on the same server cannot connect to this one.
    other = postgres.fresh_clinic()
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(postgres.conninfo(other.kiosk_role, other.kiosk_password,
                                          dbname=dbname)).close()
