"""Read what is still readable out of a damaged sign-up database, page by page. Qt-free.

SQLite cannot query a file whose b-tree is damaged: one bad interior page hides every entry
below it. This reads the file the way ``sqlite3``'s ``.recover`` does, without the b-tree:
every page that is a table leaf is parsed on its own, and every cell on it that decodes to a
row of ``signups`` (NULL rowid alias, ISO time, consent text, sealed blob, optional contact
time) is kept. Frames committed to the ``-wal`` replace the pages they belong to, so entries
saved but not yet checkpointed are found too; uncommitted frames (never acknowledged) are not.

How many were lost is counted from the index on ``created_at``, whose leaf pages list the id
of every live entry: ids listed there but not recovered are lost. If the index pages are
damaged too, the count can only be a lower bound: staff are told how many are *known* lost.

Only live cells are read (the cell pointer array, not free space), and the store runs with
``secure_delete``, so entries deleted before the damage do not come back.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import struct
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from kiosk.signups.copies import fingerprint, tombstones

log = logging.getLogger(__name__)

_HEADER = b"SQLite format 3\x00"
_WAL_MAGIC = (0x377F0682, 0x377F0683)
# Page kinds read: table leaves hold the rows; index pages, leaf and interior alike, hold
# (created_at, id) keys, in an index b-tree interior cells are entries too.
_TABLE_LEAF, _INDEX_LEAF, _INDEX_INTERIOR = 0x0D, 0x0A, 0x02
_SHA256_BYTES = 32
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")



class _Undecodable(Exception):  # noqa: N818 - private, reads better
    """This cell or page does not decode."""


@dataclass(frozen=True)
class Row:
    id: int
    created_at: str
    consent_version: str
    sealed: bytes
    contacted_at: str | None
    # The outbox's id for the entry (schema v4); None in a file from an older kiosk.
    entry_uuid: str | None = None


@dataclass(frozen=True)
class Found:
    """What a damaged file still holds."""

    rows: dict[int, Row]
    indexed_ids: frozenset[int]  # ids the created_at index lists (every live entry)
    damaged_cells: int  # cells on table leaf pages that did not decode
    last_id: int  # the highest id ever given out, so ids are never reused
    deleted: frozenset[bytes] = frozenset()  # the file's tombstones (SHA-256, see restore)

    @property
    def lost(self) -> int:
        # Either count alone may miss some; added they could count one entry twice.
        return max(len(self.indexed_ids - self.rows.keys()), self.damaged_cells)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        if at + i >= len(data):
            raise _Undecodable
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    raise _Undecodable  # pragma: no cover - the loop always returns


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8}


def _record(payload: bytes) -> list[object]:
    """The values of one record (SQLite's record format)."""
    header_size, at = _varint(payload, 0)
    if not 1 <= header_size <= len(payload):
        raise _Undecodable
    types = []
    while at < header_size:
        kind, at = _varint(payload, at)
        types.append(kind)
    values: list[object] = []
    at = header_size
    for kind in types:
        if kind in (0, 8, 9):
            values.append(None if kind == 0 else kind - 8)
        elif kind in _INT_SIZES:
            size = _INT_SIZES[kind]
            chunk = payload[at:at + size]
            if len(chunk) != size:
                raise _Undecodable
            values.append(struct.unpack(">d", chunk)[0] if kind == 7
                          else int.from_bytes(chunk, "big", signed=True))
            at += size
        elif kind >= 12:
            size = (kind - 12) // 2
            chunk = payload[at:at + size]
            if len(chunk) != size:
                raise _Undecodable
            if kind % 2:
                try:
                    values.append(chunk.decode("utf-8"))
                except UnicodeDecodeError as e:
                    raise _Undecodable from e
            else:
                values.append(bytes(chunk))
            at += size
        else:
            raise _Undecodable
    return values


def _signup_row(rowid: int, values: list[object]) -> Row | None:
    """The row, if these values are one; all-zero sealed bytes are an entry deleted (scrubbed)
    after the file was set aside, and stay deleted."""
    if len(values) not in (4, 5) or values[0] is not None or rowid < 1:
        return None
    created, consent, sealed = values[1], values[2], values[3]
    contacted = values[4] if len(values) == 5 else None
    if not (isinstance(created, str) and isinstance(consent, str)
            and isinstance(sealed, bytes) and any(sealed) and (contacted is None
                                                           or isinstance(contacted, str))):
        return None
    try:
        for text in (created, contacted):
            if text is not None and datetime.fromisoformat(text).tzinfo is None:
                return None
    except ValueError:
        return None
    return Row(rowid, created, consent, sealed, contacted)


class _Pages:
    """The file's pages, with the WAL's committed frames laid over them."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes()
        wal_path = path.with_name(path.name + "-wal")
        wal = wal_path.read_bytes() if wal_path.exists() else b""
        self.size = self._page_size(data, wal)
        reserved = data[20] if data.startswith(_HEADER) and len(data) > 20 else 0
        self.usable = self.size - reserved
        self.pages = {n + 1: data[n * self.size:(n + 1) * self.size]
                      for n in range(len(data) // self.size)}
        self._lay_over(wal)

    @staticmethod
    def _page_size(data: bytes, wal: bytes) -> int:
        candidates = []
        if data.startswith(_HEADER) and len(data) >= 18:
            size = int.from_bytes(data[16:18], "big")
            candidates.append(65536 if size == 1 else size)
        if len(wal) >= 32:
            candidates.append(int.from_bytes(wal[8:12], "big"))
        for size in candidates:
            if 512 <= size <= 65536 and size & (size - 1) == 0:
                return size
        return 4096

    def _lay_over(self, wal: bytes) -> None:
        if len(wal) < 32 or int.from_bytes(wal[:4], "big") not in _WAL_MAGIC:
            return
        if int.from_bytes(wal[8:12], "big") != self.size:
            return
        salts = wal[16:24]
        pending: dict[int, bytes] = {}
        at = 32
        while at + 24 + self.size <= len(wal):
            header = wal[at:at + 24]
            if header[8:16] != salts:
                break
            number = int.from_bytes(header[:4], "big")
            pending[number] = wal[at + 24:at + 24 + self.size]
            if int.from_bytes(header[4:8], "big"):  # a commit frame: its transaction counts
                self.pages.update(pending)
                pending = {}
            at += 24 + self.size

    def overflow(self, first: int, needed: int) -> bytes:
        out = bytearray()
        seen = set()
        page = first
        while len(out) < needed:
            if page in seen or page not in self.pages:
                raise _Undecodable
            seen.add(page)
            content = self.pages[page]
            page = int.from_bytes(content[:4], "big")
            out += content[4:self.usable]
        return bytes(out[:needed])

    def payload(self, page: bytes, at: int, size: int, *, index: bool) -> bytes:
        usable = self.usable
        limit = (usable - 12) * 64 // 255 - 23 if index else usable - 35
        if size <= limit:
            chunk = page[at:at + size]
            if len(chunk) != size:
                raise _Undecodable
            return chunk
        least = (usable - 12) * 32 // 255 - 23
        local = least + (size - least) % (usable - 4)
        if local > limit:
            local = least
        head = page[at:at + local]
        pointer = page[at + local:at + local + 4]
        if len(head) != local or len(pointer) != 4:
            raise _Undecodable
        return head + self.overflow(int.from_bytes(pointer, "big"), size - local)


def _cells(page: bytes, number: int) -> tuple[int, list[int]]:
    start = 100 if number == 1 else 0
    if len(page) < start + 8:
        raise _Undecodable
    kind = page[start]
    count = int.from_bytes(page[start + 3:start + 5], "big")
    header = 12 if kind in (0x02, 0x05) else 8  # interior pages add a right-most pointer
    pointers = page[start + header:start + header + 2 * count]
    if len(pointers) != 2 * count:
        raise _Undecodable
    return kind, [int.from_bytes(pointers[i:i + 2], "big") for i in range(0, 2 * count, 2)]


def read(path: Path) -> Found:
    """Every signups row still readable in the damaged database at ``path`` (and its WAL)."""
    pages = _Pages(path)
    rows: dict[int, Row] = {}
    indexed: set[int] = set()
    deleted: set[bytes] = set()
    uuids: dict[int, str] = {}  # rows of ``outbox``: signup id -> entry UUID
    damaged = 0
    last_id = 0
    for number, page in pages.pages.items():
        try:
            kind, pointers = _cells(page, number)
        except _Undecodable:
            continue
        if kind not in (_TABLE_LEAF, _INDEX_LEAF, _INDEX_INTERIOR) or not all(
                8 <= p < len(page) for p in pointers):
            continue  # not a leaf page, or garbage that happens to start like one
        found_here, bad_here = 0, 0
        for pointer in pointers:
            try:
                size, at = _varint(page, pointer + 4 * (kind == _INDEX_INTERIOR))
                if kind != _TABLE_LEAF:
                    values = _record(pages.payload(page, at, size, index=True))
                    if (len(values) == 2 and isinstance(values[0], str)
                            and isinstance(values[1], int) and values[1] > 0):
                        indexed.add(values[1])
                    elif (len(values) == 1 and isinstance(values[0], bytes)
                            and len(values[0]) == _SHA256_BYTES):
                        deleted.add(values[0])  # a row of the ``deleted`` table
                    continue
                rowid, at = _varint(page, at)
                values = _record(pages.payload(page, at, size, index=False))
            except _Undecodable:
                bad_here += 1
                continue
            if values[:1] == ["signups"] and len(values) == 2 and isinstance(values[1], int):
                last_id = max(last_id, values[1])  # the sqlite_sequence row
                continue
            if (len(values) == 2 and values[0] is None and isinstance(values[1], str)
                    and _UUID.match(values[1])):
                uuids[rowid] = values[1]  # a row of ``outbox`` (schema v4)
                continue
            row = _signup_row(rowid, values)
            if row is None:
                continue
            found_here += 1
            # A row updated later (marked contacted) wins over an older copy of itself.
            if row.id not in rows or row.contacted_at is not None:
                rows[row.id] = row
        # Bad cells count as lost entries only on a page that holds sign-ups.
        if found_here and kind == _TABLE_LEAF:
            damaged += bad_here
    rows = {key: replace(row, entry_uuid=uuids.get(key)) for key, row in rows.items()}
    last_id = max([last_id, *rows, *indexed])
    log.info("salvage read %d pages: %d entries readable, %d damaged cells", len(pages.pages),
             len(rows), damaged)
    return Found(rows, frozenset(indexed), damaged, last_id, frozenset(deleted))


@dataclass(frozen=True)
class Salvaged:
    """What staff are told: entries recovered from a damaged file, and how many were lost."""

    set_aside: Path
    recovered: int
    lost: int  # known to be lost; more may be if the index was damaged too


def restore(conn: sqlite3.Connection, aside: Path, found: Found | None = None) -> Salvaged:
    """Copy every readable entry of a set-aside file that the database lacks into it.

    Run at every open for every set-aside file, so a salvage cut short (disk full), or a
    file set aside by an older kiosk that did not salvage, is finished at the next start.
    That is safe to repeat: an entry already there (same sealed bytes) is skipped, and one
    deleted or purged since is in the ``deleted`` table (its SHA-256), so it stays gone even
    where zeroing it in the copy (`copies.scrub`) failed. ``found`` is what `read` gave, if
    the caller has read the file already.
    An entry keeps its outbox UUID, so the clinic server recognises one it already took
    (an entry without one, from before schema v4, was never sent and gets a new one).
    An entry keeps its id, so the audit log's "entry 12" still means it, unless the id is
    taken (a file from an older kiosk, which started again at 1); the id counter continues
    past the old file's, so no id is ever given out twice. ``recovered`` counts what was
    added this time.
    """
    if found is None:
        try:
            found = read(aside)
        except OSError as e:
            log.error("cannot read the damaged database for salvage: %s", e.strerror)
            return Salvaged(aside, 0, 0)
    present = {bytes(row[0]) for row in conn.execute("SELECT sealed FROM signups")}
    taken = {row[0] for row in conn.execute("SELECT id FROM signups")}
    uuids = {row[0] for row in conn.execute("SELECT entry_uuid FROM outbox")}
    gone = tombstones(conn) | found.deleted
    rows = [r for r in sorted(found.rows.values(), key=lambda r: r.id)
            if r.sealed not in present and fingerprint(r.sealed) not in gone]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("INSERT OR IGNORE INTO sqlite_sequence (name, seq) VALUES ('signups', 0)")
        conn.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'signups'",
                     (found.last_id,))
        for r in rows:
            new_id = conn.execute(
                "INSERT INTO signups (id, created_at, consent_version, sealed, contacted_at)"
                " VALUES (?, ?, ?, ?, ?)", (None if r.id in taken else r.id, r.created_at,
                                            r.consent_version, r.sealed, r.contacted_at)
            ).lastrowid
            conn.execute("INSERT INTO outbox (signup_id, entry_uuid) VALUES (?, ?)",
                         (new_id, r.entry_uuid if r.entry_uuid and r.entry_uuid not in uuids
                          else str(uuid.uuid4())))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    result = Salvaged(aside, len(rows), found.lost)
    if rows:
        log.warning("salvaged %d sign-ups from the damaged database %s; %d known to be lost",
                    result.recovered, aside.name, result.lost)
    return result
