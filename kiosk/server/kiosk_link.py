"""What a kiosk may do on the clinic server: send sealed entries and heartbeats, and read
the clinic's public key. Nothing else: its role cannot read, change or delete an entry.

``send`` returns only once the server has committed the row, and is idempotent by the
entry's id (``ON CONFLICT DO NOTHING`` without a conflict target: naming ``(id)`` would
need SELECT on it, which the kiosk role must not have; the primary key is the table's only
unique constraint): a retry after a lost
answer never makes a duplicate. One connection, opened when first needed and opened again
after a failure; every failure is a ServerUnavailable in plain words. Not thread-safe: one
shipper thread owns a link. Qt-free.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

import psycopg

from kiosk.server.config import KIOSK_NAME_MISSING, ServerConfig
from kiosk.server.connection import Conn, connect_checked, describe
from kiosk.server.errors import EntryRejected, ServerUnavailable, WrongRole
from kiosk.server.schema import check_schema

log = logging.getLogger(__name__)

_SEND = ("INSERT INTO entries (id, kiosk, created_at, consent_version, sealed) "
         "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING")
_BEAT = ("INSERT INTO heartbeats (kiosk, program_version, content_version, waiting, "
         "last_error) VALUES (%s, %s, %s, %s, %s)")


@dataclass(frozen=True)
class Heartbeat:
    """What a kiosk tells the desk every heartbeat_seconds; never patient data."""

    program_version: str
    content_version: str
    # Entries committed locally and not yet on the server.
    waiting: int
    # The class of the last error (e.g. "ServerUnavailable"), None when all is well.
    last_error: str | None = None


def _rejected(error: psycopg.Error) -> EntryRejected:
    return EntryRejected(f"the clinic server refused this entry as malformed "
                         f"({type(error).__name__}); sending it again will not help")


class KioskLink:
    def __init__(self, config: ServerConfig) -> None:
        if not config.kiosk_name:
            raise ValueError(KIOSK_NAME_MISSING)
        self._config = config
        self._conn: Conn | None = None

    def _connection(self) -> Conn:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        self._conn = connect_checked(
            self._config.conninfo, _accept_kiosk_login,
            timeout_s=self._config.connect_timeout_seconds,
            application_name=f"kiosk {self._config.kiosk_name}"[:63])
        return self._conn

    def _run(self, statement: str, params: tuple[object, ...]) -> None:
        reused = self._conn is not None and not self._conn.closed
        conn = self._connection()
        try:
            # autocommit: the statement is committed when execute returns.
            conn.execute(statement, params)
            return
        except (psycopg.errors.IntegrityError, psycopg.errors.DataError) as e:
            raise _rejected(e) from e
        except psycopg.OperationalError as e:
            self.close()
            if not reused:
                raise ServerUnavailable(describe(e)) from e
            # A connection kept from before a server restart fails at its first use; try
            # once on a new one (safe: a send is idempotent, a heartbeat only appends).
            log.debug("the kept server connection failed (%s); connecting again",
                      type(e).__name__)
        except psycopg.Error as e:
            self.close()
            raise ServerUnavailable(describe(e)) from e
        conn = self._connection()
        try:
            conn.execute(statement, params)
        except (psycopg.errors.IntegrityError, psycopg.errors.DataError) as e:
            raise _rejected(e) from e
        except psycopg.Error as e:
            self.close()
            raise ServerUnavailable(describe(e)) from e

    def send(self, entry_id: uuid.UUID, sealed: bytes, created_at: datetime,
             consent_version: str) -> None:
        """Store one sealed entry; returns once committed (a second send of the same id
        changes nothing). ServerUnavailable otherwise: keep the local copy."""
        if created_at.tzinfo is None:
            raise ValueError("created_at must carry its time zone")
        self._run(_SEND, (entry_id, self._config.kiosk_name, created_at, consent_version,
                          sealed))

    def heartbeat(self, beat: Heartbeat) -> None:
        self._run(_BEAT, (self._config.kiosk_name, beat.program_version, beat.content_version,
                          beat.waiting, beat.last_error))

    def public_key(self) -> bytes | None:
        """The clinic's public key as the desk published it; None before it has."""
        conn = self._connection()
        try:
            row = conn.execute("SELECT public_key FROM clinic_key").fetchone()
        except psycopg.Error as e:
            self.close()
            raise ServerUnavailable(describe(e)) from e
        return bytes(row[0]) if row else None

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:
                log.debug("closing a broken server connection failed", exc_info=True)

    def __enter__(self) -> KioskLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _accept_kiosk_login(conn: Conn) -> None:
    check_schema(conn)
    row = conn.execute(
        "SELECT has_column_privilege('entries', 'sealed', 'INSERT'), "
        "has_table_privilege('entries', 'SELECT')").fetchone()
    if not row or not row[0]:
        raise WrongRole("this login may not send sign-ups to the clinic server: "
                        "the kiosk needs the kiosk role's login")
    # Fail closed: with a login that reads sign-ups, a stolen kiosk would give every
    # clinic's sealed entries away (the desk's or the administrator's).
    if row[1]:
        raise WrongRole("this login can read sign-ups on the clinic server; a kiosk "
                        "must use the kiosk role's login, which cannot")
