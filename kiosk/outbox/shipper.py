"""Send the sealed sign-ups waiting on this kiosk to the clinic server, oldest first, and say
how the kiosk is doing with a heartbeat. Qt-free, and no thread of its own: `Shipper.tick`
does what is due at a given time and says when to call again, so tests drive it with their
own clock (`kiosk.outbox.runner` calls it from a thread with the real one).

An entry leaves this kiosk only after `Link.send` returned, which is after the server
committed it; the server takes each entry UUID once, so sending again after a crash, a
timeout or a lost answer never makes a second copy. While the server cannot be reached the
entries wait here (the form keeps saving them locally) and the shipper tries again after
1, 2, 4... seconds, up to `Backoff.most_s`; the first entry sent ends the wait. An entry the
server refuses as malformed (`EntryRejected`) stays here, is reported (log, heartbeat) and is
passed over, so it never holds up the ones behind it.

A kiosk set up without any key (server mode, nothing given to ``kiosk setup``) takes the
clinic's public key from the server, once; a key it holds is never replaced from there.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from kiosk.outbox.queue import OutboxQueue
from kiosk.server.errors import EntryRejected, ServerUnavailable
from kiosk.server.kiosk_link import Heartbeat
from kiosk.signups.crypto import KeysError, save_public_key
from kiosk.signups.db_file import StoreError

log = logging.getLogger(__name__)
MAX_PROBLEM = 200  # the server's heartbeats.last_error holds at most this many characters


class Link(Protocol):
    """What the shipper needs of `kiosk.server.kiosk_link.KioskLink`."""

    def send(self, entry_id: uuid.UUID, sealed: bytes, created_at: datetime,
             consent_version: str) -> None: ...

    def heartbeat(self, beat: Heartbeat) -> None: ...

    def public_key(self) -> bytes | None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Backoff:
    """Seconds to wait after the n-th failure in a row: first_s, doubling, at most most_s."""

    first_s: float = 1.0
    most_s: float = 300.0

    def delay(self, failures: int) -> float:
        return float(min(self.most_s, self.first_s * 2 ** min(max(failures - 1, 0), 40)))


class Shipper:
    def __init__(self, open_queue: Callable[[], OutboxQueue], connect: Callable[[], Link], *,
                 program_version: str, content_version: Callable[[], str],
                 heartbeat_s: float, backoff: Backoff | None = None, batch: int = 100,
                 keys_file: Path | None = None,
                 pages_problem: Callable[[], str] = lambda: "") -> None:
        self._open_queue = open_queue
        self._connect = connect
        self._program_version = program_version
        self._content_version = content_version
        # "PagesRefused" when the kiosk refused the server's newest pages, else "": the desk
        # sees it as the heartbeat's last problem when the outbox itself has none.
        self._pages_problem = pages_problem
        self._heartbeat_s = heartbeat_s
        self._backoff = backoff or Backoff()
        self._batch = batch
        self._keys_file = keys_file
        self._queue: OutboxQueue | None = None
        self._link: Link | None = None
        self._failures = 0
        self._retry_at = float("-inf")
        self._next_beat = float("-inf")
        self._tidy_due = False
        # Entries the server refused as malformed: kept here, not sent again by this run.
        self._rejected: set[int] = set()
        # Read by the UI thread (one attribute each, so always a whole value).
        self.waiting: int | None = None
        # The class of the last failure, for the heartbeat and the staff panel; None once a
        # heartbeat has told the server about it and nothing failed since.
        self.last_error: str | None = None
        self.sent = 0  # entries sent since start

    @property
    def failing(self) -> bool:
        return self._failures > 0

    def tick(self, now: float) -> float:
        """Send what waits (at most one batch) and the heartbeat if due; return when next."""
        if now < self._retry_at:
            return self._retry_at
        try:
            queue = self._queue = self._queue or self._open_queue()
            link = self._link = self._link or self._connect()
            self._take_public_key(link)
            sent, more = self._send_batch(queue, link)
            if self._tidy_due and not more:
                self._tidy_due = not queue.tidy()
            self.waiting = queue.count()
            if self._failures:
                log.info("clinic server reachable again; %d sign-ups sent, %d waiting", sent,
                         self.waiting)
                self._failures = 0
                self._next_beat = now  # the desk learns at once that this kiosk is back
            if now >= self._next_beat:
                problem = self.last_error or self._pages_problem()[:MAX_PROBLEM] or None
                link.heartbeat(Heartbeat(self._program_version, self._content_version(),
                                         self.waiting, problem))
                self.last_error = "EntryRejected" if self._rejected else None
                self._next_beat = now + self._heartbeat_s
        except (ServerUnavailable, StoreError) as e:
            return self._failed(now, e)
        except Exception as e:  # a bug must not stop the outbox for good
            log.error("outbox: unexpected %s", type(e).__name__, exc_info=True)
            return self._failed(now, e)
        return now if more else self._next_beat

    def _send_batch(self, queue: OutboxQueue, link: Link) -> tuple[int, bool]:
        """Send up to a batch, one committed INSERT each, then remove what the server has in
        one local transaction, also when a send failed halfway (then its error goes on).
        Return how many were sent and whether more may wait."""
        done = []
        waiting = [entry for entry in queue.oldest(self._batch + len(self._rejected))
                   if entry.signup_id not in self._rejected][:self._batch]
        try:
            for entry in waiting:
                try:
                    link.send(entry.entry_id, entry.sealed, entry.created_at,
                              entry.consent_version)
                except EntryRejected as e:
                    self._rejected.add(entry.signup_id)
                    self.last_error = type(e).__name__
                    log.error("outbox: sign-up %d stays on this kiosk: %s", entry.signup_id, e)
                    continue
                done.append(entry)
        finally:
            if done:
                queue.sent(done)
                self.sent += len(done)
                self._tidy_due = True
        return len(done), len(waiting) == self._batch

    def _take_public_key(self, link: Link) -> None:
        keys = self._keys_file
        if keys is None or keys.exists():
            return
        key = link.public_key()
        if key is None:
            log.info("the clinic server has no public key yet; sign-ups stay off")
            return
        try:
            save_public_key(keys, key)
        except KeysError as e:
            log.error("cannot keep the clinic's public key from the server: %s", e)
            return
        log.info("took the clinic's public key from the server; sign-ups are on")

    def _failed(self, now: float, error: Exception) -> float:
        self._failures += 1
        self.last_error = type(error).__name__
        delay = self._backoff.delay(self._failures)
        if self._queue is not None:
            with contextlib.suppress(StoreError):
                self.waiting = self._queue.count()
        if self._failures == 1:
            # These messages name the cause (server down, refused, TLS, disk full), never an
            # entry; of anything else only the class is logged.
            why = str(error) if isinstance(error, ServerUnavailable | StoreError) \
                else type(error).__name__
            log.warning("outbox: %s; sign-ups wait on this kiosk, next try in %.0f s",
                        why, delay)
        else:
            log.info("outbox: still failing (%s, %d in a row); next try in %.0f s",
                     type(error).__name__, self._failures, delay)
        self._drop_link()
        self._retry_at = now + delay
        return self._retry_at

    def _drop_link(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            try:
                link.close()
            except Exception:  # closing a broken link may fail too
                log.debug("closing the broken server link failed", exc_info=True)

    def close(self) -> None:
        """On the thread that ticked (the queue's SQLite connection belongs to it)."""
        self._drop_link()
        if self._queue is not None:
            self._queue.close()
            self._queue = None
