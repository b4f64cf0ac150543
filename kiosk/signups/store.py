"""The SQLite file that keeps sealed sign-ups until the front desk has dealt with them.

Durability: WAL with ``synchronous=FULL`` and one transaction per entry, committed before
`SignupStore.add` returns, so "thank you" is only shown for an entry that is on disk.
Privacy: the folder is 0700; the database is created 0600 before SQLite opens it, and
SQLite gives its ``-wal`` and ``-shm`` files the database's mode; rows hold only ciphertext
plus the plain times and consent version that purging and counting need.

Only one program may use the file at a time (an exclusive ``flock`` on ``<db>.lock``). A
file that is not a database or fails ``PRAGMA integrity_check`` is moved aside, what is
readable in it is salvaged into a new one (`kiosk.signups.salvage`), and staff are told how
many entries were recovered and how many lost. Before a schema upgrade the old file is copied
with SQLite's backup API. How deletes and retention reach those copies: `kiosk.signups.copies`.

If the ``-wal`` file is removed or replaced under the open store (a clean-up script, a
person), every later commit would go to a file nobody can find again. Each write checks the
files are still the ones it opened; if the WAL moved, the still-open connection checkpoints
what it holds into the main file, and the store reopens before it acknowledges anything
more. If that fails, or the main file itself moved, every save is refused until restart.
Errors from the disk become `StoreUnavailable`, whose message names the problem but never
an entry. Qt-free.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from kiosk.private_files import private_dir, restrict, touch_private
from kiosk.signups import copies
from kiosk.signups.copies import SIDE_FILES, side
from kiosk.signups.db_file import (
    MIGRATIONS,
    SCHEMA_VERSION,
    StoreError,
    StoreLocked,
    StoreUnavailable,
    configure,
    connect,
    drop_verified_backups,
    healthy,
    lock,
    migrate,
    schema_version,
    unavailable,
)
from kiosk.signups.salvage import Salvaged
from kiosk.signups.salvage_at_open import salvage_set_aside
from kiosk.signups.store_files import WatchedFiles, fold_wal, reopen

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SignupStore", "StoreError", "StoreLocked",
           "StoreUnavailable", "StoredEntry", "to_text"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredEntry:
    id: int
    created_at: datetime
    consent_version: str
    sealed: bytes
    contacted_at: datetime | None


def to_text(when: datetime) -> str:
    """The stored form of a time: UTC, ISO 8601, to the second (sorts as text)."""
    if when.tzinfo is None:
        raise ValueError("a stored time needs a time zone")
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _from_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class SignupStore:
    """Open with `SignupStore.open`; close (or use as a context manager) to release it."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock_fd: int,
                 salvaged: Salvaged | None, backup: Path | None) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = conn
        self._lock_fd: int | None = lock_fd
        # A damaged database found at this open: where it went, what was recovered.
        self.salvaged = salvaged
        self.recovered_from = None if salvaged is None else salvaged.set_aside
        # The copy made before a schema upgrade this time (already removed once the
        # upgraded file passed its integrity check), if there was one.
        self.backup = backup
        # Why saves are refused until the kiosk restarts, if they are.
        self._broken: str | None = None
        # A delete's checkpoint found the WAL busy (a reader): retried by check_files.
        self._checkpoint_due = False
        self._files = WatchedFiles(path, conn)

    @classmethod
    def open(cls, path: Path) -> SignupStore:
        """Raise StoreLocked if another program has it, StoreUnavailable if the disk fails."""
        try:
            private_dir(path.parent)
            lock_fd = lock(path)
        except OSError as e:
            raise unavailable(e, "open the sign-up database") from e
        try:
            conn, aside = cls._open_healthy(path)
            try:
                version = schema_version(conn)
                configure(conn)
                backup = migrate(conn, path, version)
                salvaged = salvage_set_aside(conn, path, aside)
                drop_verified_backups(conn, path)
                for suffix in SIDE_FILES:
                    restrict(side(path, suffix))
            except BaseException:
                conn.close()
                raise
            try:
                return cls(path, conn, lock_fd, salvaged, backup)
            except BaseException:
                conn.close()
                raise
        except (sqlite3.DatabaseError, OSError) as e:
            os.close(lock_fd)
            raise unavailable(e, "open the sign-up database") from e
        except BaseException:
            os.close(lock_fd)
            raise

    @staticmethod
    def _open_healthy(path: Path) -> tuple[sqlite3.Connection, Path | None]:
        touch_private(path)
        aside = None
        if not healthy(path):
            aside = copies.set_aside(path)
            log.warning("the sign-up database was damaged; moved it to %s and started a new "
                        "one", aside.name)
        return connect(path), aside

    # The files under the open connection ---------------------------------------------------

    def _check_files(self) -> None:
        """Before and after each write: never acknowledge a save to a file nobody can find."""
        if self._broken is not None:
            raise StoreUnavailable(f"cannot save: {self._broken}; restart the kiosk")
        self._connection()  # a closed store says so
        moved = self._files.moved()
        if moved is None:
            return
        if moved == self.path:
            self._broken = "the database file was removed or replaced while in use"
            log.error("sign-up database: %s; refusing saves until restart", self._broken)
            raise StoreUnavailable(f"cannot save: {self._broken}")
        log.error("sign-up database: its -wal file was removed or replaced while in use; "
                  "checkpointing and reopening")
        try:
            self._rescue_wal()
        except (sqlite3.Error, OSError, StoreError) as e:
            self._broken = "its journal (-wal) was removed and could not be saved"
            log.error("sign-up database: %s (%s)", self._broken, e)
            raise StoreUnavailable(f"cannot save: {self._broken}") from e
        log.warning("sign-up database reopened; nothing acknowledged was lost")

    def check_files(self) -> bool:
        """Between saves (the kiosk runs this on a timer): fold a moved WAL back now, rather
        than at the next save, which a power cut or a kill may never reach; and finish a
        delete's checkpoint that a reader kept from completing.

        Return False while saves are refused; a closed store is quietly True.
        """
        if self._conn is None and self._broken is None:
            return True
        try:
            self._check_files()
        except StoreUnavailable:
            return False
        if self._checkpoint_due:
            self._checkpoint()
        return True

    def _rescue_wal(self) -> None:
        """Fold the open (unlinked) WAL into the main file through its descriptor, reopen."""
        fold_wal(self._connection())
        self._conn = None
        self._conn = reopen(self.path)
        self._files = WatchedFiles(self.path, self._conn)

    # Plumbing ----------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailable("the sign-up database is closed")
        return self._conn

    @contextlib.contextmanager
    def _transaction(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed (on disk) when the block ends, or rolled back."""
        self._check_files()
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
            self._check_files()
            if self._checkpoint_due:  # a delete's, which a reader kept from finishing
                self._checkpoint()
        except sqlite3.ProgrammingError:
            self._rollback(conn)
            raise
        except sqlite3.DatabaseError as e:
            self._rollback(conn)
            log.error("sign-up database: cannot %s (%s)", doing,
                      getattr(e, "sqlite_errorname", type(e).__name__))
            raise unavailable(e, doing) from e
        except BaseException:
            self._rollback(conn)
            raise

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.DatabaseError as e:
            raise unavailable(e, "read the sign-up database") from e

    def _checkpoint(self) -> bool:
        """Fold the WAL into the file and empty it; False (and retried by `check_files`)
        while another connection's read keeps it from completing."""
        try:
            busy, frames, done = self._connection().execute(
                "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.DatabaseError as e:  # never fails the save or delete it follows
            busy, frames, done = 1, -1, -1
            log.warning("could not checkpoint the sign-up database (%s)",
                        getattr(e, "sqlite_errorname", "error"))
        complete = not busy and frames == done
        if complete and self._checkpoint_due:
            log.info("sign-up database: the checkpoint after a delete is done")
        elif not complete and not self._checkpoint_due:
            log.warning("sign-up database: another program is reading it, so the journal "
                        "(-wal) still holds deleted entries; retrying until it is emptied")
        self._checkpoint_due = not complete
        return complete

    def _forget(self, sealed: list[bytes]) -> None:
        """After a delete: no copy of those entries left in the WAL, free pages or copies.

        ``secure_delete`` has zeroed them in the database's pages; the checkpoint folds the
        WAL (which still holds the old page images) into the file and empties it; the
        store's own copies are scrubbed of the same sealed bytes. A copy that cannot be
        written keeps them until a later open scrubs it again, but the delete's tombstone
        (committed with it) keeps them from ever being salvaged back.
        """
        self._checkpoint()
        copies.scrub_deleted(self.path, sealed)

    # API ---------------------------------------------------------------------------------

    def add(self, sealed: bytes, consent_version: str, created_at: datetime | None = None) -> int:
        """Save one sealed entry in its own transaction; return its id once it is on disk.

        The entry also gets its own random UUID, which is how the clinic server (if there is
        one) recognises it when the outbox sends it again (`kiosk.outbox`).
        """
        when = to_text(created_at or datetime.now(UTC))
        with self._transaction("save the sign-up") as conn:
            cursor = conn.execute(
                "INSERT INTO signups (created_at, consent_version, sealed) VALUES (?, ?, ?)",
                (when, consent_version, sealed))
            new_id = cursor.lastrowid
            conn.execute("INSERT INTO outbox (signup_id, entry_uuid) VALUES (?, ?)",
                         (new_id, str(uuid.uuid4())))
        assert new_id is not None
        return new_id

    def count(self) -> int:
        """How many entries are stored (in server mode: how many wait to be sent)."""
        return int(self._query("SELECT count(*) FROM signups")[0][0])

    def entries(self) -> list[StoredEntry]:
        """Every entry, newest first."""
        rows = self._query("SELECT id, created_at, consent_version, sealed, contacted_at "
                           "FROM signups ORDER BY created_at DESC, id DESC")
        return [StoredEntry(row_id, datetime.fromisoformat(created), consent, bytes(sealed),
                            _from_text(contacted))
                for row_id, created, consent, sealed, contacted in rows]

    def mark_contacted(self, entry_id: int, when: datetime | None = None) -> bool:
        """Return False if there is no such entry."""
        stamp = to_text(when or datetime.now(UTC))
        with self._transaction("mark the sign-up contacted") as conn:
            changed = conn.execute("UPDATE signups SET contacted_at = ? WHERE id = ?",
                                   (stamp, entry_id)).rowcount
        return changed == 1

    def delete(self, entry_id: int) -> bool:
        """Remove one entry for good, copies included; return False if there is no such entry."""
        with self._transaction("delete the sign-up") as conn:
            sealed = [bytes(row[0]) for row in conn.execute(
                "SELECT sealed FROM signups WHERE id = ?", (entry_id,))]
            copies.bury(conn, sealed)
            conn.execute("DELETE FROM signups WHERE id = ?", (entry_id,))
        if sealed:
            self._forget(sealed)
        return bool(sealed)

    def purge_older_than(self, cutoff: datetime) -> int:
        """Remove every entry received before ``cutoff`` and every copy set aside before it.

        Return how many entries.
        """
        with self._transaction("purge old sign-ups") as conn:
            sealed = [bytes(row[0]) for row in conn.execute(
                "SELECT sealed FROM signups WHERE created_at < ?", (to_text(cutoff),))]
            copies.bury(conn, sealed)
            conn.execute("DELETE FROM signups WHERE created_at < ?", (to_text(cutoff),))
        if sealed:
            self._forget(sealed)
        try:
            copies.purge_set_aside(self.path, cutoff)
        except OSError as e:
            raise unavailable(e, "remove old set-aside copies") from e
        copies.drop_tombstones_if_unneeded(self._connection(), self.path)
        return len(sealed)

    def close(self) -> None:
        """Close the database and release the lock; safe to call twice."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    def __enter__(self) -> SignupStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

