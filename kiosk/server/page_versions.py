"""Published page versions on the clinic server: the same `VersionStore` as a folder, in
PostgreSQL (tables ``page_versions`` and ``page_files``, schema migration 2). Qt-free.

The desk's role may INSERT and SELECT, the kiosk's only SELECT, and nobody but the
administrator UPDATE or DELETE: a published version is immutable on the server itself. A
version and all its files are inserted in one transaction, so a kiosk never sees half of one;
the commit wakes every kiosk that LISTENs (``kiosk_pages``). A kiosk downloads a version in
one statement into a staging folder and hashes every file there against the manifest: a
version changed on the server (or a connection lost halfway) leaves no folder behind.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import errors as pg_errors

from kiosk.content.versions import (
    VersionDamagedError,
    VersionError,
    VersionInfo,
    damage,
)
from kiosk.server.connection import Conn, connect, describe
from kiosk.server.errors import ServerUnavailable
from kiosk.server.listener import Listener
from kiosk.server.schema import PAGES_CHANNEL

log = logging.getLogger(__name__)


class PgVersionStore:
    """`VersionStore` on the clinic server. Each method connects if it must; ServerUnavailable
    (plain words) when the server cannot be reached, VersionError for a bad version."""

    def __init__(self, conninfo: str, *, timeout_s: int = 5) -> None:
        self._conninfo = conninfo
        self._timeout_s = timeout_s
        self._conn: Conn | None = None
        self._listener = Listener(
            lambda: connect(self._conninfo, timeout_s=self._timeout_s), PAGES_CHANNEL)
        self._lock = threading.Lock()

    def _connection(self) -> Conn:
        if self._conn is None or self._conn.closed:
            self._conn = connect(self._conninfo, timeout_s=self._timeout_s)
        return self._conn

    def _failed(self, error: psycopg.Error) -> ServerUnavailable:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        return ServerUnavailable(describe(error))

    def publish(self, source: Path, names: Iterable[str], *, author: str, note: str,
                starts_at: datetime | None = None, now: datetime | None = None) -> VersionInfo:
        names = sorted(names)
        # Hashed from the very bytes sent, so the manifest and the files always agree.
        data = {name: (source / name).read_bytes() for name in names}
        files = {name: hashlib.sha256(data[name]).hexdigest() for name in names}
        moment = (now or datetime.now(UTC)).astimezone(UTC)
        with self._lock:
            for _attempt in range(20):
                try:
                    conn = self._connection()
                    with conn.transaction():
                        row = conn.execute(
                            "SELECT coalesce(max(number), 0) + 1 FROM page_versions"
                        ).fetchone()
                        number = int(row[0]) if row else 1
                        info = VersionInfo(number, author, moment, note, files,
                                           starts_at.astimezone(UTC) if starts_at else None)
                        conn.execute(
                            "INSERT INTO page_versions (number, author, created_at, note, "
                            "starts_at, manifest) VALUES (%s, %s, %s, %s, %s, %s)",
                            (number, author, moment, note, info.starts_at, info.to_json()))
                        with conn.cursor() as cursor:
                            cursor.executemany(
                                "INSERT INTO page_files (version, name, data) "
                                "VALUES (%s, %s, %s)",
                                [(number, name, data[name]) for name in names])
                    return info
                except pg_errors.UniqueViolation:
                    continue  # another desk took the number: take the next
                except psycopg.Error as e:
                    raise self._failed(e) from e
        raise VersionError("the version could not get a number; publish again")

    def history(self) -> list[VersionInfo]:
        with self._lock:
            try:
                rows = self._connection().execute(
                    "SELECT number, manifest FROM page_versions ORDER BY number DESC"
                ).fetchall()
            except psycopg.Error as e:
                raise self._failed(e) from e
        found = []
        for number, manifest in rows:
            try:
                info = VersionInfo.from_json(manifest)
            except VersionError:
                log.warning("page version %d on the server has a manifest that cannot be "
                            "read", number)
                continue
            if info.number == number:
                found.append(info)
        return found

    def get(self, number: int) -> VersionInfo:
        with self._lock:
            try:
                row = self._connection().execute(
                    "SELECT manifest FROM page_versions WHERE number = %s", (number,)
                ).fetchone()
            except psycopg.Error as e:
                raise self._failed(e) from e
        if row is None:
            raise VersionError(f"there is no version {number} on the clinic server")
        info = VersionInfo.from_json(row[0])
        if info.number != number:
            raise VersionDamagedError(f"version {number}'s manifest says it is {info.number}")
        return info

    def export(self, number: int, into: Path) -> VersionInfo:
        info = self.get(number)
        into.mkdir(parents=True)
        try:
            with self._lock:
                try:
                    conn = self._connection()
                    with conn.cursor() as cursor:
                        # One statement: every file as of one moment, or an error.
                        cursor.execute("SELECT name, data FROM page_files WHERE version = %s",
                                       (number,))
                        for name, data in cursor:
                            if name not in info.files:
                                raise VersionDamagedError(
                                    f"version {number}: {name} is not part of this version")
                            target = into / name
                            target.parent.mkdir(exist_ok=True)
                            target.write_bytes(bytes(data))
                except psycopg.Error as e:
                    raise self._failed(e) from e
            problems = damage(into, info)
            if problems:
                raise VersionDamagedError(f"version {number} does not match its manifest: "
                                          + "; ".join(problems))
        except BaseException:
            shutil.rmtree(into, ignore_errors=True)
            raise
        return info

    def wait_for_change(self, timeout_s: float) -> bool:
        """Block until a version is published (True) or ``timeout_s`` passes (False);
        ServerUnavailable if the server cannot be listened to (then poll)."""
        return self._listener.wait(timeout_s)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
        self._listener.close()
