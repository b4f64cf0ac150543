"""One LISTEN connection for one channel: waited on by one thread, closed from any.

The desk waits for new sign-ups and the kiosk for new pages this way. A wait that
``close()`` ends returns False instead of raising, and so does every wait after it; a
connection that breaks is dropped (the next wait opens a new one) and reported as
ServerUnavailable, so the caller polls meanwhile. Qt-free.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg

from kiosk.server.connection import Conn, describe
from kiosk.server.errors import ServerUnavailable

log = logging.getLogger(__name__)


class Listener:
    def __init__(self, open_connection: Callable[[], Conn], channel: str) -> None:
        self._open = open_connection
        self._channel = channel
        self._conn: Conn | None = None
        self._lock = threading.Lock()
        self._closed = False

    def wait(self, timeout_s: float) -> bool:
        """True when a notification came, False when ``timeout_s`` passed or ``close()``
        was called; ServerUnavailable when the server cannot be listened to."""
        with self._lock:
            if self._closed:
                return False
            conn = self._conn
            if conn is None or conn.closed:
                conn = self._open()
                try:
                    conn.execute(f"LISTEN {self._channel}")
                except psycopg.Error as e:
                    conn.close()
                    raise ServerUnavailable(describe(e)) from e
                self._conn = conn
        try:
            for _ in conn.notifies(timeout=timeout_s, stop_after=1):
                return True
            return False
        except psycopg.Error as e:
            with self._lock:
                if self._closed:
                    return False
                self._drop()
            raise ServerUnavailable(describe(e)) from e

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:
                log.debug("closing a broken listen connection failed", exc_info=True)
