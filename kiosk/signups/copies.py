"""The store's own copies of the sign-ups, and how a delete and the retention purge reach them.

The kiosk makes two kinds of copy beside ``signups.db``:

- ``signups.db.backup-v<N>-<time>``: made with SQLite's backup API before a schema upgrade.
  It is overwritten and removed as soon as the upgraded database has opened and passed
  ``PRAGMA integrity_check``; one left by an interrupted upgrade (or by an older kiosk, which
  kept them for ever) goes the same way at the next healthy open. A backup therefore never
  outlives the open that made it, and a delete never has to reach into one.
- ``signups.db.corrupt-<time>`` (with its ``-wal``/``-shm``): a damaged database set aside.
  What is readable in it is salvaged into the new database at once (`kiosk.signups.salvage`).
  The file stays for IT for ``retention_days`` after it was set aside, then the retention
  purge removes it. Meanwhile every delete and purge overwrites, in every copy, the sealed
  bytes of each entry it removes, so a deleted entry cannot be read back from a copy either.
  In the same transaction as the delete it records the SHA-256 of those bytes (the
  ``deleted`` table), and salvage never restores an entry with a recorded hash: a copy that
  cannot be written (read-only, an I/O error) can keep the bytes until a later start zeroes
  them, but it can never bring the entry back. The hashes are dropped once no set-aside
  file is left.

"Removed" means overwritten with zeros, flushed, then unlinked: a plain unlink leaves the
bytes in the file system's free blocks. (A flash disk may still keep old blocks; full-disk
encryption is what covers a stolen disk, and the entries are sealed in any case.) Qt-free.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from kiosk.private_files import fsync_dir, open_private

log = logging.getLogger(__name__)

_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
_STAMP = re.compile(r"\.corrupt-(\d{8}T\d{6}Z)")
SIDE_FILES = ("-wal", "-shm")
# The sealed box starts with its 32-byte one-time public key: without it nothing decrypts.
_KEY_BYTES = 32
_CHUNK = 1 << 20


def stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime(_STAMP_FORMAT)


def side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def free_name(path: Path) -> Path:
    """``path``, or ``path-2``, ``path-3``... whichever does not exist yet."""
    candidate, n = path, 1
    while candidate.exists() or side(candidate, "-wal").exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def backups(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.name}.backup-*"))


def set_aside_files(db: Path) -> list[Path]:
    """Every file of every damaged database set aside (their -wal and -shm included)."""
    return sorted(db.parent.glob(f"{db.name}.corrupt-*"))


def set_aside_databases(db: Path) -> list[Path]:
    """The damaged databases set aside, oldest first (not their -wal and -shm)."""
    return [p for p in set_aside_files(db) if not p.name.endswith(SIDE_FILES)]


def copies(db: Path) -> list[Path]:
    return backups(db) + set_aside_files(db)


def set_aside(db: Path) -> Path:
    """Move a damaged database (and its -wal/-shm) out of the way; return its new name."""
    aside = free_name(db.with_name(f"{db.name}.corrupt-{stamp()}"))
    # The WAL goes first: a stale WAL left next to a new database would be replayed into it.
    for suffix in (*SIDE_FILES, ""):
        source = side(db, suffix)
        if source.exists():
            source.rename(side(aside, suffix))
    fsync_dir(db.parent)
    return aside


def make_backup(conn: sqlite3.Connection, db: Path, version: int) -> Path:
    target = free_name(db.with_name(f"{db.name}.backup-v{version}-{stamp()}"))
    os.close(open_private(target, os.O_RDWR | os.O_CREAT | os.O_EXCL))
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    fsync_dir(db.parent)
    return target


def shred(path: Path) -> None:
    """Overwrite ``path`` with zeros, flush it, then remove it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    try:
        size = os.fstat(fd).st_size
        zeros = bytes(min(size, _CHUNK))
        done = 0
        while done < size:
            done += os.pwrite(fd, zeros[: size - done], done)
        os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink(missing_ok=True)


def shred_all(paths: list[Path]) -> int:
    """`shred` each of ``paths`` (all in one folder); return how many."""
    for path in paths:
        shred(path)
    if paths:
        fsync_dir(paths[0].parent)
    return len(paths)


def _matching_length(data: bytes, start: int, sealed: bytes) -> int:
    """How many bytes of ``sealed`` appear unbroken at ``data[start:]``."""
    length = min(len(sealed), len(data) - start)
    if data[start:start + length] == sealed[:length]:
        return length
    low, high = _KEY_BYTES, length  # the first _KEY_BYTES are known to match
    while low < high:
        middle = (low + high + 1) // 2
        if data[start:start + middle] == sealed[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def scrub(paths: Iterable[Path], sealed_entries: Iterable[bytes]) -> int:
    """Overwrite every copy of each sealed entry in ``paths`` with zeros; return how many.

    The search starts from the entry's one-time public key and zeroes as far as the bytes
    run on unbroken. In SQLite's 4 KiB pages a sealed sign-up (at most about 3 KiB) is kept
    whole in one page; were it ever split across an overflow page, the part left elsewhere
    cannot be decrypted without the key bytes zeroed here.
    """
    targets = [bytes(s) for s in sealed_entries if len(s) > _KEY_BYTES]
    found = 0
    if not targets:
        return 0
    for path in paths:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        spans = []
        for sealed in targets:
            start = data.find(sealed[:_KEY_BYTES])
            while start >= 0:
                spans.append((start, _matching_length(data, start, sealed)))
                start = data.find(sealed[:_KEY_BYTES], start + 1)
        if not spans:
            continue
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
        try:
            for start, length in spans:
                os.pwrite(fd, bytes(length), start)
            os.fsync(fd)
        finally:
            os.close(fd)
        found += len(spans)
    return found


def set_aside_at(path: Path) -> datetime:
    """When a set-aside file was set aside: the time in its name, else its change time."""
    match = _STAMP.search(path.name)
    if match:
        return datetime.strptime(match.group(1), _STAMP_FORMAT).replace(tzinfo=UTC)
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def purge_set_aside(db: Path, cutoff: datetime) -> int:
    """Remove every set-aside file set aside before ``cutoff``; return how many files."""
    removed = shred_all([p for p in set_aside_files(db) if set_aside_at(p) < cutoff])
    if removed:
        log.info("removed %d set-aside database file(s) past the retention period", removed)
    return removed


# Tombstones: what keeps a deleted entry deleted while a copy may still hold it ---------

def fingerprint(sealed: bytes) -> bytes:
    """What the ``deleted`` table keeps of a deleted entry: the SHA-256 of its sealed bytes."""
    return hashlib.sha256(sealed).digest()


def tombstones(conn: sqlite3.Connection) -> set[bytes]:
    return {bytes(row[0]) for row in conn.execute("SELECT sha256 FROM deleted")}


@contextlib.contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def bury(conn: sqlite3.Connection, sealed: list[bytes]) -> None:
    """Inside a delete's transaction, so there is never a delete without its tombstone."""
    if sealed:
        conn.executemany("INSERT OR IGNORE INTO deleted (sha256) VALUES (?)",
                         [(fingerprint(s),) for s in sealed])


def drop_tombstones_if_unneeded(conn: sqlite3.Connection, path: Path) -> None:
    """No set-aside file left: no copy can bring a deleted entry back, forget the hashes."""
    if set_aside_databases(path) or not tombstones(conn):
        return
    try:
        conn.execute("DELETE FROM deleted")
    except sqlite3.DatabaseError as e:  # a read-only file: harmless, dropped another time
        log.warning("could not drop tombstones yet (%s)", getattr(e, "sqlite_errorname", e))


def scrub_deleted(path: Path, sealed: list[bytes]) -> None:
    """Zero ``sealed`` in every copy; a failure is logged (the tombstones still hold)."""
    if not sealed:
        return
    try:
        scrub(copies(path), sealed)
    except OSError as e:
        log.error("could not remove %d deleted entries from a set-aside copy (%s); they cannot "
                  "come back, and the next start tries again", len(sealed), e.strerror or e)

