"""The outbox's side of the sign-up database: what waits, oldest first, and removing what the
clinic server has committed. Qt-free.

The kiosk's `SignupStore` (the form's, on the UI thread) holds the file's lock; this is a
second connection to the same file, in the same process, used only by the shipper's thread
(SQLite connections stay on the thread that made them). WAL lets the form save while the
shipper reads; the few milliseconds of a removal's commit are the longest a save can wait.

Every stored entry waits: in server mode nothing else is kept. Removing one is a delete like
the desk's (`SignupStore.delete`): ``secure_delete`` zeroes its bytes, its SHA-256 goes to the
``deleted`` table in the same transaction (so a salvaged copy never brings it back, and so
the outbox never sends it again), and `tidy` folds the WAL into the file and zeroes the entry
in the store's own copies. A crash between the server's commit and the removal only means
the entry is sent again, and the server takes an entry UUID once.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.signups import copies
from kiosk.signups.db_file import SCHEMA_VERSION, StoreUnavailable, configure, unavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Waiting:
    """One sealed entry waiting to be sent; nothing in it is readable without the desk's key."""

    signup_id: int
    entry_id: uuid.UUID
    created_at: datetime
    consent_version: str
    sealed: bytes


class OutboxQueue:
    """Open it on the thread that will use it; the store must be open (it migrated the file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            # Not db_file.connect: that would create the file, and the store already has.
            conn = sqlite3.connect(path, isolation_level=None)
        except sqlite3.Error as e:
            raise unavailable(e, "open the sign-up database for the outbox") from e
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version != SCHEMA_VERSION:
                raise StoreUnavailable(f"the sign-up database is at schema {version}, not "
                                       f"{SCHEMA_VERSION}; open the store first")
            configure(conn)
        except sqlite3.Error as e:
            conn.close()
            raise unavailable(e, "open the sign-up database for the outbox") from e
        except BaseException:
            conn.close()
            raise
        self._conn: sqlite3.Connection | None = conn
        # Sealed bytes removed since the last `tidy`, to zero in the store's copies.
        self._removed: list[bytes] = []

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailable("the outbox is closed")
        return self._conn

    def count(self) -> int:
        try:
            return int(self._connection().execute("SELECT count(*) FROM signups").fetchone()[0])
        except sqlite3.DatabaseError as e:
            raise unavailable(e, "count the waiting sign-ups") from e

    def oldest(self, limit: int) -> list[Waiting]:
        """Up to ``limit`` entries, oldest first (by the time they were saved, then id)."""
        try:
            rows = self._connection().execute(
                "SELECT s.id, o.entry_uuid, s.created_at, s.consent_version, s.sealed"
                " FROM signups AS s JOIN outbox AS o ON o.signup_id = s.id"
                " ORDER BY s.created_at, s.id LIMIT ?", (limit,)).fetchall()
        except sqlite3.DatabaseError as e:
            raise unavailable(e, "read the waiting sign-ups") from e
        return [Waiting(row_id, uuid.UUID(entry), datetime.fromisoformat(created), consent,
                        bytes(sealed))
                for row_id, entry, created, consent, sealed in rows]

    def sent(self, entries: list[Waiting]) -> None:
        """The server has committed ``entries``: delete them here, tombstones and all, in
        one transaction (one disk flush for a whole batch)."""
        conn = self._connection()
        try:
            with copies.write(conn):
                copies.bury(conn, [entry.sealed for entry in entries])
                # The outbox rows go with them (ON DELETE CASCADE).
                conn.executemany("DELETE FROM signups WHERE id = ?",
                                 [(entry.signup_id,) for entry in entries])
        except sqlite3.DatabaseError as e:
            raise unavailable(e, "remove sign-ups the server has") from e
        self._removed.extend(entry.sealed for entry in entries)

    def tidy(self) -> bool:
        """After a run of removals: no copy left in the WAL or the store's own copies.

        False (and tried again after the next removal) while another connection's read keeps
        the checkpoint from finishing.
        """
        conn = self._connection()
        try:
            busy, frames, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.DatabaseError as e:
            log.info("outbox: checkpoint postponed (%s)", getattr(e, "sqlite_errorname", e))
            return False
        complete = not busy and frames == done
        if complete:
            copies.scrub_deleted(self.path, self._removed)
            self._removed = []
            with contextlib.suppress(sqlite3.DatabaseError):
                copies.drop_tombstones_if_unneeded(conn, self.path)
        return complete

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
