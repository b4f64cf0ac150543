"""Child process for test_outbox_exactly_once: save sign-ups and ship them until killed.

Usage: ``python outbox_writer.py DB KEYS CONNINFO TAG write|drain``.

``write``: the kiosk's two threads as they run in server mode. The main thread saves
sealed entries (plaintext ``TAG:N``) with `SignupStore.add` and prints ``A TAG:N`` only after
it returned, i.e. when the kiosk would say "thank you" (``Z`` after the last); the outbox
thread (the real `ShipperThread`, with a short backoff) sends them to the server and prints
``S`` after each local removal and ``E`` once nothing waits. ``drain``: send what waits,
print ``DRAINED`` and exit. The parent kills ``write`` children with SIGKILL.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from kiosk.outbox.queue import OutboxQueue, Waiting
from kiosk.outbox.runner import ShipperThread
from kiosk.outbox.shipper import Backoff, Shipper
from kiosk.server.config import ServerConfig
from kiosk.server.kiosk_link import KioskLink
from kiosk.signups.crypto import load_public_key, seal
from kiosk.signups.store import SignupStore

# Saves per child: a kiosk saves a few sign-ups an hour, not one a millisecond; without a
# limit the children would save tens of thousands while the server restarts.
LIMIT = 25
BACKOFF = Backoff(first_s=0.02, most_s=0.2)
_SAY = threading.Lock()


def say(line: str) -> None:
    with _SAY:  # two threads print; each line whole
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class ReportingQueue(OutboxQueue):
    def sent(self, entries: list[Waiting]) -> None:
        super().sent(entries)
        for _ in entries:
            say("S")
        if not self.count():
            say("E")  # nothing waits


def shipper(db: Path, conninfo: str) -> Shipper:
    config = ServerConfig(conninfo=conninfo, kiosk_name="exactly-once",
                          connect_timeout_seconds=2)
    return Shipper(lambda: ReportingQueue(db), lambda: KioskLink(config),
                   program_version="test", content_version=lambda: "test", heartbeat_s=3600,
                   backoff=BACKOFF, batch=20)


def main(db: Path, keys: Path, conninfo: str, tag: str, mode: str) -> None:
    store = SignupStore.open(db)  # never closed in ``write``: that child ends by SIGKILL
    if mode == "drain":
        ship = shipper(db, conninfo)
        while store.count():
            due = ship.tick(time.monotonic())
            if store.count():  # waiting for the backoff: at most BACKOFF.most_s
                time.sleep(max(0.0, due - time.monotonic()))
        ship.close()
        store.close()
        say("DRAINED")
        return
    public_key = load_public_key(keys)
    runner = ShipperThread(shipper(db, conninfo))
    runner.start()
    for n in range(LIMIT):
        store.add(seal(public_key, f"{tag}:{n}".encode()), "exactly-once")
        say(f"A {tag}:{n}")
        runner.wake()
    say("Z")  # no more saves; the outbox thread goes on until the parent kills this child
    runner.join()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5])
