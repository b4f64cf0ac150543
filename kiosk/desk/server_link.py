"""The desk's link to the clinic server, on two worker threads, so the window never waits.

- The *watcher* waits on the server's LISTEN/NOTIFY (`DeskStore.wait_for_change`): a new
  sign-up wakes it at once, and every ``poll_seconds`` it asks for a fresh list anyway (the
  polling fallback, and the kiosks' heartbeats, which notify nothing).
- The *doer* runs what the desk asks, in order, on its own connection: a fresh list, mark,
  undo, delete, publishing the public key, audit records.

Both reconnect by themselves after the server went away, waiting longer each time (up to
``RETRY_SECONDS[-1]``). The window collects what happened with `events()` from a timer:
`Snapshot`, `Done`, `Failed`, `Down` (once an outage, with the plain-words cause) and `Up`.
An action that could not be done is reported, never retried behind the desk's back, and
nothing on the server changes; the last list stays on screen. Qt-free.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.server.errors import ServerUnavailable

log = logging.getLogger(__name__)

RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
# The watcher waits at most this long at a time, so `stop` never waits for a long poll.
WAKE_SECONDS = 0.5


class Store(Protocol):
    """The part of kiosk.server.desk_store.DeskStore the link uses."""

    def entries(self) -> list[Any]: ...
    def kiosks(self) -> list[Any]: ...
    def wait_for_change(self, timeout_s: float) -> bool: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class Snapshot:
    entries: list[Any]
    kiosks: list[Any]


@dataclass(frozen=True)
class Done:
    tag: str
    value: object


@dataclass(frozen=True)
class Failed:
    tag: str
    message: str


@dataclass(frozen=True)
class Down:
    message: str
    # Set when the cause will not go away by waiting (a kiosk-only role, a newer schema).
    lasting: bool = False


@dataclass(frozen=True)
class Up:
    pass


Event = Snapshot | Done | Failed | Down | Up
Action = Callable[[Any], object]
_REFRESH = "refresh"


class ServerLink:
    def __init__(self, open_store: Callable[[], Store], *, poll_seconds: float = 2.0,
                 retry_seconds: tuple[float, ...] = RETRY_SECONDS) -> None:
        self._open = open_store
        self.poll_seconds = poll_seconds
        self._retry = retry_seconds
        self._jobs: queue.Queue[tuple[str, Action | None] | None] = queue.Queue()
        self._events: queue.Queue[Event] = queue.Queue()
        self._stop = threading.Event()
        self._refresh_pending = threading.Event()
        self._lock = threading.Lock()
        self._down: str | None = None
        self._threads: list[threading.Thread] = []

    # The window's side -----------------------------------------------------------------

    def start(self) -> None:
        self._threads = [
            threading.Thread(target=self._watch, name="desk-watcher", daemon=True),
            threading.Thread(target=self._work, name="desk-doer", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self.refresh()

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop both threads; True if they ended within ``timeout`` seconds."""
        self._stop.set()
        self._jobs.put(None)
        ended = True
        for thread in self._threads:
            thread.join(timeout)
            ended = ended and not thread.is_alive()
        self._threads = []
        return ended

    def refresh(self) -> None:
        """Ask for a fresh list; requests that pile up while one runs make one more."""
        if not self._refresh_pending.is_set():
            self._refresh_pending.set()
            self._jobs.put((_REFRESH, None))

    def submit(self, tag: str, action: Action) -> None:
        """Run ``action(store)`` on the doer; a `Done` or `Failed` with ``tag`` follows,
        then a fresh list."""
        self._jobs.put((tag, action))

    def events(self) -> list[Event]:
        found: list[Event] = []
        while True:
            try:
                found.append(self._events.get_nowait())
            except queue.Empty:
                return found

    @property
    def down(self) -> str | None:
        """Why the server cannot be reached now, or None."""
        return self._down

    # Worker threads --------------------------------------------------------------------

    def _went_down(self, error: ServerUnavailable) -> None:
        from kiosk.server.errors import SchemaTooNew, WrongRole

        message = str(error)
        with self._lock:
            first = self._down is None
            self._down = message
        if first:
            log.warning("the clinic server cannot be reached: %s", message)
            self._events.put(Down(message, lasting=isinstance(error, SchemaTooNew | WrongRole)))

    def _came_back(self) -> None:
        with self._lock:
            was_down = self._down is not None
            self._down = None
        if was_down:
            log.info("the clinic server is back")
            self._events.put(Up())

    def _connect(self, store: Store | None) -> Store:
        return store if store is not None else self._open()

    def _watch(self) -> None:
        store: Store | None = None
        failures = 0
        next_poll = time.monotonic() + self.poll_seconds
        while not self._stop.is_set():
            wait = min(WAKE_SECONDS, max(0.0, next_poll - time.monotonic()))
            try:
                store = self._connect(store)
                changed = store.wait_for_change(wait)
                failures = 0
            except ServerUnavailable as e:
                _close(store)
                store = None
                self._went_down(e)
                self._stop.wait(self._retry[min(failures, len(self._retry) - 1)])
                failures += 1
                changed = True  # a list to learn whether it is back
            if self._stop.is_set():
                break
            if changed or time.monotonic() >= next_poll:
                self.refresh()
                next_poll = time.monotonic() + self.poll_seconds
        _close(store)

    def _work(self) -> None:
        store: Store | None = None
        while True:
            job = self._jobs.get()
            if job is None or self._stop.is_set():
                break
            tag, action = job
            if tag == _REFRESH:
                self._refresh_pending.clear()
            try:
                store = self._connect(store)
                if action is None:
                    self._events.put(Snapshot(store.entries(), store.kiosks()))
                else:
                    self._events.put(Done(tag, action(store)))
                self._came_back()
            except ServerUnavailable as e:
                _close(store)
                store = None
                if action is not None:
                    self._events.put(Failed(tag, str(e)))
                self._went_down(e)
                continue
            except Exception:
                log.exception("desk action %r failed", tag)
                if action is not None:
                    self._events.put(Failed(tag, ""))
                continue
            if action is not None:
                self.refresh()
        _close(store)


def _close(store: Store | None) -> None:
    if store is None:
        return
    with contextlib.suppress(ServerUnavailable):
        store.close()
