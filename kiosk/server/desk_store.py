"""What the front desk does on the clinic server, each action written to desk_audit.

The audit row says when, which desk user, what, and which entry id; never patient data
(the server only ever holds sealed entries anyway). An action and its audit row commit in
one transaction: there is no deletion without its record. For a change or deletion of an
entry the server's own trigger writes that row, with the login and address it came from,
so even a desk login used outside this program leaves its trace. ``entries`` records "read" once
per store (the list is refreshed every few seconds; one row per refresh would drown the
log); ``kiosks`` reads heartbeats only and records nothing.

``wait_for_change`` uses a connection of its own (LISTEN kiosk_entries), so it may block in
a worker thread while another thread calls the rest; each of the two connections is used
by one thread at a time. Every failure is a ServerUnavailable in plain words; the next call
connects again. Qt-free.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import psycopg

from kiosk.server.connection import Conn, connect_checked, describe
from kiosk.server.errors import ServerUnavailable, WrongRole
from kiosk.server.kiosk_status import KioskStatus
from kiosk.server.listener import Listener
from kiosk.server.schema import NOTIFY_CHANNEL, check_schema

log = logging.getLogger(__name__)


# The most kiosks the desk lists (a clinic has a few).
MAX_KIOSKS = 100

# The words desk_audit.action holds.
READ = "read"
MARK_CONTACTED = "mark contacted"
UNDO_CONTACTED = "undo contacted"
DELETE = "delete"
PURGE = "purge"
SET_PUBLIC_KEY = "set public key"
EXPORT = "export"


@dataclass(frozen=True)
class ServerEntry:
    id: uuid.UUID
    kiosk: str
    created_at: datetime
    received_at: datetime
    consent_version: str
    # SealedBox ciphertext to the clinic's public key; only the desk's private key opens it.
    sealed: bytes
    contacted_at: datetime | None


class DeskStore:
    def __init__(self, conninfo: str, desk_user: str, *, timeout_s: int = 5) -> None:
        if not 1 <= len(desk_user) <= 100:
            raise ValueError("desk_user must be 1 to 100 characters")
        self._conninfo = conninfo
        self._desk_user = desk_user
        self._timeout_s = timeout_s
        self._conn: Conn | None = None
        self._lock = threading.Lock()
        self._listener = Listener(self._open, NOTIFY_CHANNEL)
        self._read_recorded = False

    # -- connections ---------------------------------------------------------------------

    def _open(self) -> Conn:
        return connect_checked(self._conninfo, _accept_desk_login, timeout_s=self._timeout_s,
                               application_name="kiosk desk")

    @contextmanager
    def _using(self) -> Iterator[Conn]:
        """The main connection; a psycopg error closes it and becomes ServerUnavailable."""
        with self._lock:
            if self._conn is None or self._conn.closed:
                self._conn = self._open()
            try:
                yield self._conn
            except psycopg.Error as e:
                self._drop_main()
                raise ServerUnavailable(describe(e)) from e

    def _drop_main(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:
                log.debug("closing a broken desk connection failed", exc_info=True)

    def _name_desk_user(self, conn: Conn) -> None:
        """Name this desk's user, for this transaction only, in the audit rows the server's
        trigger writes for each entry changed or deleted."""
        conn.execute("SELECT set_config('kiosk.desk_user', %s, true)", (self._desk_user,))

    def _audit(self, conn: Conn, action: str, entry_id: uuid.UUID | None) -> None:
        conn.execute("INSERT INTO desk_audit (desk_user, action, entry_id) VALUES (%s, %s, %s)",
                     (self._desk_user, action, entry_id))

    # -- what the desk does ----------------------------------------------------------------

    def entries(self) -> list[ServerEntry]:
        """Every sign-up on the server, newest first."""
        with self._using() as conn, conn.transaction():
            rows = conn.execute(
                "SELECT id, kiosk, created_at, received_at, consent_version, sealed, "
                "contacted_at FROM entries ORDER BY created_at DESC, id").fetchall()
            if not self._read_recorded:
                self._audit(conn, READ, None)
        self._read_recorded = True
        return [ServerEntry(row[0], row[1], row[2], row[3], row[4], bytes(row[5]),
                            row[6]) for row in rows]

    def mark_contacted(self, entry_id: uuid.UUID, contacted: bool) -> bool:
        """Mark (True) or unmark (False, undo); False if no such entry (deleted meanwhile)."""
        with self._using() as conn, conn.transaction():
            self._name_desk_user(conn)
            # The server's trigger writes the audit row (schema.py, migration 2).
            cursor = conn.execute(
                "UPDATE entries SET contacted_at = CASE WHEN %s THEN now() END WHERE id = %s",
                (contacted, entry_id))
        return cursor.rowcount == 1

    def delete(self, entry_id: uuid.UUID) -> bool:
        """Delete one entry (a patient's request); False if it was already gone."""
        with self._using() as conn, conn.transaction():
            self._name_desk_user(conn)
            return conn.execute("DELETE FROM entries WHERE id = %s",
                                (entry_id,)).rowcount == 1

    def purge_older_than(self, cutoff: datetime) -> int:
        """Delete entries signed up before ``cutoff`` (the clinic's retention) and heartbeats
        older than it; the number of entries deleted."""
        if cutoff.tzinfo is None:
            raise ValueError("cutoff must carry its time zone")
        with self._using() as conn, conn.transaction():
            self._name_desk_user(conn)
            # Each entry's own audit row says "purge" (the server's trigger reads this).
            conn.execute("SELECT set_config('kiosk.purge', 'on', true)")
            # The kiosk's clock says created_at, the server's received_at: an entry dated
            # in the future (a wrong clock, or a stolen kiosk login) still goes in time.
            count = conn.execute("DELETE FROM entries WHERE LEAST(created_at, received_at) < %s",
                                 (cutoff,)).rowcount
            conn.execute("DELETE FROM heartbeats WHERE at < %s", (cutoff,))
            self._audit(conn, PURGE, None)
        return count

    def kiosks(self) -> list[KioskStatus]:
        """Each kiosk's last heartbeat, by name: the MAX_KIOSKS heard from last (any kiosk
        login may write heartbeats under any name; a flood of names must not freeze the
        desk, which asks for this every few seconds)."""
        with self._using() as conn:
            rows = conn.execute(
                "SELECT * FROM (SELECT DISTINCT ON (h.kiosk) h.kiosk, h.at, "
                "h.program_version, h.content_version, h.waiting, h.last_error, "
                "(SELECT max(e.at) FROM heartbeats e WHERE e.kiosk = h.kiosk "
                " AND e.waiting = 0) FROM heartbeats h ORDER BY h.kiosk, h.at DESC) last "
                "ORDER BY at DESC LIMIT %s", (MAX_KIOSKS,)).fetchall()
        return sorted((KioskStatus(*row) for row in rows), key=lambda k: k.kiosk)

    def set_public_key(self, public_key: bytes) -> None:
        """Publish the clinic's PUBLIC key for the kiosks (32 bytes)."""
        if len(public_key) != 32:
            raise ValueError("the clinic's public key is 32 bytes")
        with self._using() as conn, conn.transaction():
            conn.execute("INSERT INTO clinic_key (public_key) VALUES (%s) ON CONFLICT (one) "
                         "DO UPDATE SET public_key = excluded.public_key, set_at = now()",
                         (public_key,))
            self._audit(conn, SET_PUBLIC_KEY, None)

    def public_key(self) -> bytes | None:
        """The clinic's public key as published (None before any desk did): a desk checks
        it is its own, and a second desk never publishes new keys over the first's."""
        with self._using() as conn:
            row = conn.execute("SELECT public_key FROM clinic_key").fetchone()
        return bytes(row[0]) if row else None

    def record(self, action: str, entry_id: uuid.UUID | None = None) -> None:
        """An audit row for an action done at the desk itself (e.g. EXPORT)."""
        with self._using() as conn:
            self._audit(conn, action, entry_id)

    # -- waiting for news ------------------------------------------------------------------

    def wait_for_change(self, timeout_s: float) -> bool:
        """Block until an entry is added, changed or deleted (True) or ``timeout_s`` passes
        (False). ServerUnavailable if the server cannot be listened to: poll instead.
        ``close()`` from another thread ends a wait at once with False."""
        return self._listener.wait(timeout_s)

    def close(self) -> None:
        """Close both connections; a wait_for_change in another thread returns False, and
        later ones return False at once (the other methods would connect again)."""
        with self._lock:
            self._drop_main()
        self._listener.close()

    def __enter__(self) -> DeskStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _accept_desk_login(conn: Conn) -> None:
    check_schema(conn)
    row = conn.execute(
        "SELECT has_table_privilege('entries', 'SELECT'), "
        "has_column_privilege('desk_audit', 'action', 'INSERT')").fetchone()
    if not row or not all(row):
        raise WrongRole("this login may not read sign-ups on the clinic server (is it "
                        "the kiosk's?): the desk needs the desk role's login")
