"""The SQLite file that keeps sealed sign-ups until the front desk has dealt with them.

Durability: WAL with ``synchronous=FULL`` and one transaction per entry, committed before
`SignupStore.add` returns, so "thank you" is only shown for an entry that is on disk.
Privacy: the folder is 0700; the database is created 0600 before SQLite opens it, and
SQLite gives its ``-wal`` and ``-shm`` files the database's mode; rows hold only ciphertext
plus the plain times and consent version that purging and counting need.

Only one program may use the file at a time (an exclusive ``flock`` on ``<db>.lock``). A
file that is not a database or fails ``PRAGMA integrity_check`` is moved aside, never
deleted, and a new one is started. Before a schema upgrade the old file is copied with
SQLite's backup API. Errors from the disk become `StoreUnavailable`, whose message names
the problem but never an entry. Qt-free.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from kiosk.private_files import fsync_dir, open_private, private_dir, restrict, touch_private

log = logging.getLogger(__name__)

# Each step upgrades the schema by one version and runs in its own transaction together
# with the new ``user_version``. Never edit a shipped step; add a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # v1: the first kiosk release.
    ("CREATE TABLE signups ("
     " id INTEGER PRIMARY KEY AUTOINCREMENT,"  # never reuse an id the audit log mentions
     " created_at TEXT NOT NULL,"  # UTC ISO 8601, plain so purging needs no passphrase
     " consent_version TEXT NOT NULL,"
     " sealed BLOB NOT NULL)",),
    # v2: the front desk marks whom they have contacted.
    ("ALTER TABLE signups ADD COLUMN contacted_at TEXT",
     "CREATE INDEX signups_by_created_at ON signups (created_at)"),
)
SCHEMA_VERSION = len(MIGRATIONS)

_SIDE_FILES = ("-wal", "-shm")
_HEADER = b"SQLite format 3\x00"
_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_REASONS = {
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_READONLY: "the disk or file is read-only",
    sqlite3.SQLITE_IOERR: "the disk reported an error",
    sqlite3.SQLITE_CANTOPEN: "the file cannot be opened",
    sqlite3.SQLITE_PERM: "permission denied",
    sqlite3.SQLITE_BUSY: "the file is busy",
    sqlite3.SQLITE_LOCKED: "the file is busy",
    sqlite3.SQLITE_CORRUPT: "the file is damaged",
    sqlite3.SQLITE_NOTADB: "the file is damaged",
}


class StoreError(Exception):
    """Base class; messages never contain patient data."""


class StoreLocked(StoreError):  # noqa: N818 - the name the UI and CLI use
    """Another kiosk program (or another open store) is using the same database."""


class StoreUnavailable(StoreError):  # noqa: N818 - the name the UI and CLI use
    """The database cannot be read or written (disk full, read-only, I/O error...)."""


@dataclass(frozen=True)
class StoredEntry:
    id: int
    created_at: datetime
    consent_version: str
    sealed: bytes
    contacted_at: datetime | None


def _primary_code(error: sqlite3.Error) -> int:
    return getattr(error, "sqlite_errorcode", 0) & 0xFF


def _unavailable(error: sqlite3.Error | OSError, doing: str) -> StoreUnavailable:
    if isinstance(error, OSError):
        reason = error.strerror or type(error).__name__
    else:
        code = _primary_code(error)
        reason = _REASONS.get(code, getattr(error, "sqlite_errorname", None) or "database error")
    return StoreUnavailable(f"cannot {doing}: {reason}")


def to_text(when: datetime) -> str:
    """The stored form of a time: UTC, ISO 8601, to the second (sorts as text)."""
    if when.tzinfo is None:
        raise ValueError("a stored time needs a time zone")
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _from_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _free_name(path: Path) -> Path:
    """``path``, or ``path-2``, ``path-3``... whichever does not exist yet."""
    candidate, n = path, 1
    while candidate.exists() or candidate.with_name(candidate.name + "-wal").exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _lock(path: Path) -> int:
    lock_path = _side(path, ".lock")
    fd = open_private(lock_path, os.O_RDWR | os.O_CREAT)
    try:
        restrict(lock_path)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as e:
        os.close(fd)
        raise StoreLocked(f"another kiosk program is using {path}") from e
    except BaseException:
        os.close(fd)
        raise
    return fd


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    # Created 0600 here; SQLite then creates -wal and -shm with the same mode.
    touch_private(path)
    for suffix in _SIDE_FILES:
        restrict(_side(path, suffix))
    if read_only:
        return sqlite3.connect(f"file:{quote(os.fspath(path))}?mode=ro", uri=True)
    # Autocommit mode: every transaction is an explicit BEGIN ... COMMIT below.
    return sqlite3.connect(path, isolation_level=None)


def _healthy(path: Path) -> bool:
    """False if the file is damaged; other errors (disk, permissions) propagate.

    The check looks without touching: a file without SQLite's header is never handed to
    SQLite, and the rest is read through a read-only connection, because closing a normal
    connection may checkpoint or delete the WAL of the very file being set aside.
    """
    with path.open("rb") as f:
        header = f.read(len(_HEADER))
    if header and header != _HEADER:
        return False
    conn = _connect(path, read_only=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as e:
        if _primary_code(e) in _CORRUPT_CODES:
            return False
        raise
    finally:
        conn.close()
    return rows == [("ok",)]


def _set_aside(path: Path) -> Path:
    """Move a damaged database (and its -wal/-shm) out of the way; return its new name."""
    aside = _free_name(path.with_name(f"{path.name}.corrupt-{_stamp()}"))
    # The WAL goes first: a stale WAL left next to a new database would be replayed into it.
    for suffix in (*_SIDE_FILES, ""):
        source = _side(path, suffix)
        if source.exists():
            source.rename(_side(aside, suffix))
    fsync_dir(path.parent)
    return aside


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    target = _free_name(path.with_name(f"{path.name}.backup-v{version}-{_stamp()}"))
    os.close(open_private(target, os.O_RDWR | os.O_CREAT | os.O_EXCL))
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    fsync_dir(path.parent)
    return target


def _configure(conn: sqlite3.Connection) -> None:
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode != "wal":
        raise StoreUnavailable(f"cannot use write-ahead logging (journal mode is {mode})")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    # Deleted entries are overwritten with zeros, not left in free pages.
    conn.execute("PRAGMA secure_delete=ON")


def _schema_version(conn: sqlite3.Connection) -> int:
    """The file's schema version; refuse, before changing anything, one newer than ours."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreUnavailable(
            f"the database was made by a newer kiosk (schema {version}); update the kiosk")
    return version


def _migrate(conn: sqlite3.Connection, path: Path, version: int) -> Path | None:
    """Bring the schema up to date; return the backup made first, if there was one."""
    backup = _backup(conn, path, version) if 0 < version < SCHEMA_VERSION else None
    if backup is not None:
        log.info("schema upgrade from v%d: old database copied to %s", version, backup.name)
    for step in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql in MIGRATIONS[step]:
                conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {step + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return backup


class SignupStore:
    """Open with `SignupStore.open`; close (or use as a context manager) to release it."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock_fd: int,
                 recovered_from: Path | None, backup: Path | None) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = conn
        self._lock_fd: int | None = lock_fd
        # Where a damaged database was moved this time, so the staff panel can say so.
        self.recovered_from = recovered_from
        # The copy made before a schema upgrade this time, if there was one.
        self.backup = backup

    @classmethod
    def open(cls, path: Path) -> SignupStore:
        """Raise StoreLocked if another program has it, StoreUnavailable if the disk fails."""
        try:
            private_dir(path.parent)
            lock_fd = _lock(path)
        except OSError as e:
            raise _unavailable(e, "open the sign-up database") from e
        try:
            conn, recovered = cls._open_healthy(path)
            try:
                version = _schema_version(conn)
                _configure(conn)
                backup = _migrate(conn, path, version)
                for suffix in _SIDE_FILES:
                    restrict(_side(path, suffix))
            except BaseException:
                conn.close()
                raise
        except (sqlite3.DatabaseError, OSError) as e:
            os.close(lock_fd)
            raise _unavailable(e, "open the sign-up database") from e
        except BaseException:
            os.close(lock_fd)
            raise
        return cls(path, conn, lock_fd, recovered, backup)

    @staticmethod
    def _open_healthy(path: Path) -> tuple[sqlite3.Connection, Path | None]:
        touch_private(path)
        aside = None
        if not _healthy(path):
            aside = _set_aside(path)
            log.warning("the sign-up database was damaged; moved it to %s and started a new "
                        "one", aside.name)
        return _connect(path), aside

    # Plumbing ----------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailable("the sign-up database is closed")
        return self._conn

    @contextlib.contextmanager
    def _transaction(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed (on disk) when the block ends, or rolled back."""
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except sqlite3.ProgrammingError:
            self._rollback(conn)
            raise
        except sqlite3.DatabaseError as e:
            self._rollback(conn)
            log.error("sign-up database: cannot %s (%s)", doing,
                      getattr(e, "sqlite_errorname", type(e).__name__))
            raise _unavailable(e, doing) from e
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
            raise _unavailable(e, "read the sign-up database") from e

    def _forget_deleted(self) -> None:
        """Fold the WAL into the database and empty it, so old page images do not linger."""
        try:
            self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError as e:
            log.warning("could not checkpoint the sign-up database (%s)",
                        getattr(e, "sqlite_errorname", "error"))

    # API ---------------------------------------------------------------------------------

    def add(self, sealed: bytes, consent_version: str, created_at: datetime | None = None) -> int:
        """Save one sealed entry in its own transaction; return its id once it is on disk."""
        when = to_text(created_at or datetime.now(UTC))
        with self._transaction("save the sign-up") as conn:
            cursor = conn.execute(
                "INSERT INTO signups (created_at, consent_version, sealed) VALUES (?, ?, ?)",
                (when, consent_version, sealed))
            new_id = cursor.lastrowid
        assert new_id is not None
        return new_id

    def entries(self) -> list[StoredEntry]:
        """Every entry, newest first."""
        rows = self._query("SELECT id, created_at, consent_version, sealed, contacted_at "
                           "FROM signups ORDER BY created_at DESC, id DESC")
        return [StoredEntry(row_id, datetime.fromisoformat(created), consent, bytes(sealed),
                            _from_text(contacted))
                for row_id, created, consent, sealed, contacted in rows]

    def count_new(self) -> int:
        """How many entries nobody has marked contacted yet."""
        rows = self._query("SELECT count(*) FROM signups WHERE contacted_at IS NULL")
        return int(rows[0][0])

    def mark_contacted(self, entry_id: int, when: datetime | None = None) -> bool:
        """Return False if there is no such entry."""
        stamp = to_text(when or datetime.now(UTC))
        with self._transaction("mark the sign-up contacted") as conn:
            changed = conn.execute("UPDATE signups SET contacted_at = ? WHERE id = ?",
                                   (stamp, entry_id)).rowcount
        return changed == 1

    def delete(self, entry_id: int) -> bool:
        """Remove one entry for good; return False if there is no such entry."""
        with self._transaction("delete the sign-up") as conn:
            changed = conn.execute("DELETE FROM signups WHERE id = ?", (entry_id,)).rowcount
        if changed:
            self._forget_deleted()
        return changed == 1

    def purge_older_than(self, cutoff: datetime) -> int:
        """Remove every entry received before ``cutoff``; return how many."""
        with self._transaction("purge old sign-ups") as conn:
            count = conn.execute("DELETE FROM signups WHERE created_at < ?",
                                 (to_text(cutoff),)).rowcount
        if count:
            self._forget_deleted()
        return count

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

