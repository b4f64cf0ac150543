"""Opening the sign-up database file: lock, health check, settings, schema upgrades. Qt-free.

The store (`kiosk.signups.store`) builds on these; they are apart only to keep each module
short. Errors never name an entry.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from kiosk.private_files import open_private, restrict, touch_private
from kiosk.signups import copies
from kiosk.signups.copies import SIDE_FILES, side

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
    # v3: the SHA-256 of each deleted entry's sealed bytes, kept while a set-aside copy may
    # still hold them, so salvaging that copy never brings a deleted entry back
    # (`kiosk.signups.copies`). A hash, not the entry: it reveals nothing.
    ("CREATE TABLE deleted (sha256 BLOB PRIMARY KEY) WITHOUT ROWID",),
    # v4: the outbox (server mode, `kiosk.outbox`). Every entry gets a random UUID, saved in
    # the same transaction and kept with it (salvage included), which the clinic server takes
    # once only: a retry after a crash or an outage never makes a second copy. Entries stored
    # before get theirs here (version 4 UUIDs from SQLite's randomness). Its own table, so
    # `signups` keeps its columns; a delete takes the UUID with it (foreign_keys is on). Once
    # the server has committed an entry it is deleted here like a staff delete, tombstone
    # included, so no salvaged copy brings it back: the tombstone is the "shipped" marker.
    ("CREATE TABLE outbox ("
     " signup_id INTEGER PRIMARY KEY REFERENCES signups (id) ON DELETE CASCADE,"
     " entry_uuid TEXT NOT NULL UNIQUE)",
     "INSERT INTO outbox (signup_id, entry_uuid) SELECT id,"
     " lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4'"
     " || substr(lower(hex(randomblob(2))), 2) || '-'"
     " || substr('89ab', 1 + abs(random()) % 4, 1) || substr(lower(hex(randomblob(2))), 2)"
     " || '-' || lower(hex(randomblob(6))) FROM signups"),
)
SCHEMA_VERSION = len(MIGRATIONS)

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

def primary_code(error: sqlite3.Error) -> int:
    return getattr(error, "sqlite_errorcode", 0) & 0xFF


def unavailable(error: sqlite3.Error | OSError, doing: str) -> StoreUnavailable:
    if isinstance(error, OSError):
        reason = error.strerror or type(error).__name__
    else:
        code = primary_code(error)
        reason = _REASONS.get(code, getattr(error, "sqlite_errorname", None) or "database error")
    return StoreUnavailable(f"cannot {doing}: {reason}")


def lock(path: Path) -> int:
    lock_path = side(path, ".lock")
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


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    # Created 0600 here; SQLite then creates -wal and -shm with the same mode.
    touch_private(path)
    for suffix in SIDE_FILES:
        restrict(side(path, suffix))
    if read_only:
        return sqlite3.connect(f"file:{quote(os.fspath(path))}?mode=ro", uri=True)
    # Autocommit mode: every transaction is an explicit BEGIN ... COMMIT below.
    return sqlite3.connect(path, isolation_level=None)


def healthy(path: Path) -> bool:
    """False if the file is damaged; other errors (disk, permissions) propagate.

    The check looks without touching: a file without SQLite's header is never handed to
    SQLite, and the rest is read through a read-only connection, because closing a normal
    connection may checkpoint or delete the WAL of the very file being set aside.
    """
    with path.open("rb") as f:
        header = f.read(len(_HEADER))
    if header and header != _HEADER:
        return False
    conn = connect(path, read_only=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as e:
        if primary_code(e) in _CORRUPT_CODES:
            return False
        raise
    finally:
        conn.close()
    return rows == [("ok",)]


def configure(conn: sqlite3.Connection) -> None:
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode != "wal":
        raise StoreUnavailable(f"cannot use write-ahead logging (journal mode is {mode})")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    # Deleted entries are overwritten with zeros, not left in free pages.
    conn.execute("PRAGMA secure_delete=ON")


def schema_version(conn: sqlite3.Connection) -> int:
    """The file's schema version; refuse, before changing anything, one newer than ours."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreUnavailable(
            f"the database was made by a newer kiosk (schema {version}); update the kiosk")
    return version


def migrate(conn: sqlite3.Connection, path: Path, version: int) -> Path | None:
    """Bring the schema up to date; return the backup made first, if there was one."""
    backup = copies.make_backup(conn, path, version) if 0 < version < SCHEMA_VERSION else None
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


def identity(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_dev, info.st_ino


def drop_verified_backups(conn: sqlite3.Connection, path: Path) -> None:
    """Remove migration backups once the database they guarded is whole (see copies)."""
    old = copies.backups(path)
    if not old:
        return
    if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
        log.error("the upgraded sign-up database failed its check; backups kept")
        return
    copies.shred_all(old)
    log.info("upgraded database checked; removed %d migration backup(s)", len(old))
