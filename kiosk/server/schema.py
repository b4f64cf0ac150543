"""The clinic server's tables, their versioned migrations, and the two roles.

``init_server`` (run by ``kiosk server init`` with an administrator's login) creates or
migrates the schema in one transaction and gives the roles exactly these privileges:

- ``kiosk``: INSERT into entries (not contacted_at, not received_at) and heartbeats, SELECT
  on clinic_key, the schema version and the published page versions; nothing else. A
  stolen kiosk's login reads no sign-up, and changes and deletes nothing.
- ``desk``: SELECT/UPDATE/DELETE on entries, SELECT/DELETE on heartbeats, SELECT/INSERT/
  UPDATE on clinic_key, INSERT on desk_audit (append-only: a desk cannot hide its tracks),
  SELECT/INSERT on page_versions and page_files (a published version is never changed).

Running it again changes nothing (migrations are numbered and applied once; privileges are
revoked and granted again to exactly the list above). A database set up by a newer program
is refused (SchemaTooNew) and left as it is. Qt-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg
from psycopg import sql

from kiosk.server.connection import Conn, connect, describe
from kiosk.server.errors import SchemaTooNew, ServerUnavailable

SCHEMA_VERSION = 2
NOTIFY_CHANNEL = "kiosk_entries"
# Wakes every kiosk that LISTENs when a page version is published (issue 16).
PAGES_CHANNEL = "kiosk_pages"
VERSION_TABLE = "kiosk_schema"
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# One number for every `kiosk server init`: two run at once take turns.
_INIT_LOCK = 0x6B696F736B

# Migration N (1-based) brings the schema from version N-1 to N. Never edit one that has
# shipped: add the next.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        f"CREATE TABLE {VERSION_TABLE} (version int PRIMARY KEY, "
        "applied_at timestamptz NOT NULL DEFAULT now())",
        # Sealed (SealedBox to the clinic's public key); the server never sees plaintext.
        """CREATE TABLE entries (
            id uuid PRIMARY KEY,
            kiosk text NOT NULL CHECK (length(kiosk) BETWEEN 1 AND 100),
            created_at timestamptz NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            consent_version text NOT NULL CHECK (length(consent_version) <= 100),
            sealed bytea NOT NULL CHECK (length(sealed) BETWEEN 1 AND 65536),
            contacted_at timestamptz)""",
        "CREATE INDEX entries_newest_first ON entries (created_at DESC)",
        """CREATE TABLE heartbeats (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kiosk text NOT NULL CHECK (length(kiosk) BETWEEN 1 AND 100),
            at timestamptz NOT NULL DEFAULT now(),
            program_version text NOT NULL CHECK (length(program_version) <= 100),
            content_version text NOT NULL CHECK (length(content_version) <= 100),
            waiting int NOT NULL CHECK (waiting >= 0),
            last_error text CHECK (length(last_error) <= 200))""",
        "CREATE INDEX heartbeats_latest ON heartbeats (kiosk, at DESC)",
        # One row: the clinic's PUBLIC key (32 bytes), published by the desk.
        """CREATE TABLE clinic_key (
            one boolean PRIMARY KEY DEFAULT true CHECK (one),
            public_key bytea NOT NULL CHECK (length(public_key) = 32),
            set_at timestamptz NOT NULL DEFAULT now())""",
        # Who did what at the desk, when; never patient data.
        """CREATE TABLE desk_audit (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT now(),
            desk_user text NOT NULL CHECK (length(desk_user) BETWEEN 1 AND 100),
            action text NOT NULL CHECK (length(action) BETWEEN 1 AND 50),
            entry_id uuid)""",
        # Wakes every desk that LISTENs: a new sign-up, or another desk marked or deleted one.
        f"""CREATE FUNCTION kiosk_entries_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('{NOTIFY_CHANNEL}', ''); RETURN NULL; END $$""",
        """CREATE TRIGGER entries_changed AFTER INSERT OR UPDATE OR DELETE ON entries
            FOR EACH STATEMENT EXECUTE FUNCTION kiosk_entries_changed()""",
    ),
    # 2 (issue 16): published page versions, immutable (kiosk/server/page_versions.py).
    (
        """CREATE TABLE page_versions (
            number int PRIMARY KEY CHECK (number > 0),
            author text NOT NULL CHECK (length(author) BETWEEN 1 AND 100),
            created_at timestamptz NOT NULL,
            note text NOT NULL CHECK (length(note) <= 500),
            starts_at timestamptz,
            manifest text NOT NULL CHECK (length(manifest) <= 1048576))""",
        """CREATE TABLE page_files (
            version int NOT NULL REFERENCES page_versions (number),
            name text NOT NULL CHECK (length(name) BETWEEN 3 AND 200),
            data bytea NOT NULL CHECK (length(data) <= 52428800),
            PRIMARY KEY (version, name))""",
        f"""CREATE FUNCTION kiosk_pages_published() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('{PAGES_CHANNEL}', ''); RETURN NULL; END $$""",
        """CREATE TRIGGER page_versions_published AFTER INSERT ON page_versions
            FOR EACH STATEMENT EXECUTE FUNCTION kiosk_pages_published()""",
    ),
)
assert len(MIGRATIONS) == SCHEMA_VERSION

TABLES = (VERSION_TABLE, "entries", "heartbeats", "clinic_key", "desk_audit", "page_versions",
          "page_files")
# (privilege, table, columns or None for all) per role.
_KIOSK_GRANTS = (
    ("INSERT", "entries", ("id", "kiosk", "created_at", "consent_version", "sealed")),
    ("INSERT", "heartbeats",
     ("kiosk", "program_version", "content_version", "waiting", "last_error")),
    ("SELECT", "clinic_key", None),
    ("SELECT", VERSION_TABLE, None),
    # Pages: read only. Nobody but the administrator may change or delete a version.
    ("SELECT", "page_versions", None), ("SELECT", "page_files", None),
)
_DESK_GRANTS = (
    ("SELECT", "entries", None), ("UPDATE", "entries", ("contacted_at",)),
    ("DELETE", "entries", None),
    ("SELECT", "heartbeats", None), ("DELETE", "heartbeats", None),
    ("SELECT", "clinic_key", None), ("INSERT", "clinic_key", None),
    ("UPDATE", "clinic_key", None),
    ("INSERT", "desk_audit", ("desk_user", "action", "entry_id")),
    ("SELECT", VERSION_TABLE, None),
    ("SELECT", "page_versions", None), ("INSERT", "page_versions", None),
    ("SELECT", "page_files", None), ("INSERT", "page_files", None),
)


@dataclass(frozen=True)
class InitResult:
    version_before: int
    version_after: int
    roles_created: tuple[str, ...]


def schema_version(conn: Conn) -> int:
    """The version the database is at; 0 before ``kiosk server init``."""
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (VERSION_TABLE,)).fetchone()
    if row is None or not row[0]:
        return 0
    found = conn.execute(
        sql.SQL("SELECT coalesce(max(version), 0) FROM {}").format(
            sql.Identifier(VERSION_TABLE))).fetchone()
    return int(found[0]) if found else 0


def too_new(version: int) -> SchemaTooNew:
    return SchemaTooNew(
        f"the clinic server's database is at schema version {version}, newer than this "
        f"program knows ({SCHEMA_VERSION}): update the program on this computer. Nothing "
        "was changed on the server.")


def check_schema(conn: Conn) -> None:
    """ServerUnavailable unless the database is at exactly this program's version."""
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise too_new(version)
    if version == 0:
        raise ServerUnavailable("the clinic server's database is not set up: run "
                                "`kiosk server init` on the server")
    if version < SCHEMA_VERSION:
        raise ServerUnavailable(
            f"the clinic server's database is at schema version {version}, older than this "
            f"program ({SCHEMA_VERSION}): run `kiosk server init` on the server to update it")


def _role_name(name: str) -> str:
    if not _ROLE_NAME.fullmatch(name):
        raise ValueError(f"role name {name!r}: use lower-case letters, digits and _")
    return name


def _ensure_role(conn: Conn, role: str,
                 password: str | None) -> bool:
    """Create ``role`` (a plain login) or set its password; True if it was created.
    The password goes to the server only as a SCRAM verifier made here, so no server log
    can show it."""
    found = conn.execute("SELECT rolsuper OR rolreplication FROM pg_roles WHERE rolname = %s",
                         (role,)).fetchone()
    if found and found[0]:
        raise ServerUnavailable(f"the role {role!r} is a superuser or may replicate; the "
                                "kiosk and the desk need plain roles of their own")
    # Naming (NO)SUPERUSER or (NO)REPLICATION in ALTER ROLE needs a superuser; the owner of
    # the database who runs init need not be one (scripts/server makes it CREATEROLE only).
    statement = (sql.SQL("ALTER ROLE {} LOGIN NOCREATEDB NOCREATEROLE") if found else
                 sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                         "NOREPLICATION")).format(sql.Identifier(role))
    if password is not None:
        verifier = conn.pgconn.encrypt_password(password.encode(), role.encode(),
                                                b"scram-sha-256")
        statement = sql.SQL("{} PASSWORD {}").format(statement,
                                                     sql.Literal(verifier.decode()))
    conn.execute(statement)
    return found is None


def _grant(conn: Conn, role: str,
           grants: tuple[tuple[str, str, tuple[str, ...] | None], ...]) -> None:
    ident = sql.Identifier(role)
    database = conn.info.dbname
    conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
        sql.Identifier(database), ident))
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident))
    for table in TABLES:
        # Column grants are separate from table grants: revoke both, then grant the list.
        conn.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), ident))
        columns = conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped", (table,)).fetchall()
        conn.execute(sql.SQL("REVOKE ALL ({}) ON {} FROM {}").format(
            sql.SQL(", ").join(sql.Identifier(str(c[0])) for c in columns),
            sql.Identifier(table), ident))
    for privilege, table, cols in grants:
        target = sql.Identifier(table)
        if cols is None:
            conn.execute(sql.SQL("GRANT " + privilege + " ON {} TO {}").format(target, ident))
        else:
            conn.execute(sql.SQL("GRANT " + privilege + " ({}) ON {} TO {}").format(
                sql.SQL(", ").join(map(sql.Identifier, cols)), target, ident))


def init_server(admin_conninfo: str, *, kiosk_role: str = "kiosk", desk_role: str = "desk",
                kiosk_password: str | None = None, desk_password: str | None = None,
                timeout_s: int = 10) -> InitResult:
    """Create or migrate the schema and the two roles, all in one transaction.

    A password left None keeps the role's current one (a new role then cannot log in
    until one is set). Raises SchemaTooNew (nothing changed) or ServerUnavailable.
    """
    kiosk_role, desk_role = _role_name(kiosk_role), _role_name(desk_role)
    if kiosk_role == desk_role:
        raise ValueError("the kiosk and the desk need two different roles")
    with connect(admin_conninfo, timeout_s=timeout_s, autocommit=False) as conn:
        try:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_INIT_LOCK,))
            before = schema_version(conn)
            if before > SCHEMA_VERSION:
                raise too_new(before)
            # Only the owner of the database's schema (its administrator) may revoke.
            conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
            conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(
                sql.Identifier(conn.info.dbname)))
            for number in range(before + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    conn.execute(statement.encode())
                conn.execute(sql.SQL("INSERT INTO {} (version) VALUES (%s)").format(
                    sql.Identifier(VERSION_TABLE)), (number,))
            created = tuple(role for role, password in ((kiosk_role, kiosk_password),
                                                       (desk_role, desk_password))
                            if _ensure_role(conn, role, password))
            _grant(conn, kiosk_role, _KIOSK_GRANTS)
            _grant(conn, desk_role, _DESK_GRANTS)
            conn.commit()
        except psycopg.Error as e:
            conn.rollback()
            # An administrator's own statements quote no patient data: say all of it.
            detail = str(e).strip().splitlines()[0] if str(e).strip() else describe(e)
            raise ServerUnavailable(f"setting up the clinic server failed: {detail}; "
                                    "nothing was changed") from e
    return InitResult(before, SCHEMA_VERSION, created)
