"""Draining the kiosk's outbox after an outage, against raw psycopg inserts of the same bytes.

    .venv/bin/python bench/outbox_drain.py [--quick] [--entries N] [--json FILE]

A real PostgreSQL (Debian's, started like the tests' one by tests/postgres.py, then set to
``fsync = on`` as a clinic's server runs) with the schema and roles of ``init_server``. The
kiosk's path: N sealed sign-ups are saved in the kiosk's SQLite store while the server is
away, then the real `Shipper` (the outbox thread's work, ticked on the real clock) sends every
one oldest first with `KioskLink.send` (one committed INSERT ... ON CONFLICT each, as the
kiosk role), deletes each locally (tombstone, ``secure_delete``, ``synchronous=FULL``) and at
the end folds the WAL and checks the copies. Timed: from the first tick until nothing waits.
The baseline: one psycopg connection as the kiosk role inserting the same N sealed byte
strings into another database of the same schema, each INSERT committed on its own
(autocommit), nothing else. Both run in the same process on the same server, in turns of
1,000 entries (each side first every other turn, so both meet the server's checkpoints); the
figure is the ratio of the summed times (aim <= 2x).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import ROOT, Row, emit, parser

BATCH = 100  # the shipper's (its default)
ROUND = 1000


def insert_raw(conn: Any, blobs: list[bytes], when: datetime) -> None:
    for blob in blobs:
        conn.execute("INSERT INTO entries (id, kiosk, created_at, consent_version, sealed) "
                     "VALUES (%s, %s, %s, %s, %s)",
                     (uuid.uuid4(), "bench room", when, "en-2026-11-1", blob))


def main() -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--entries", type=int, default=10_000)
    args = args_parser.parse_args()
    entries = 2 * BATCH + ROUND if args.quick else args.entries
    sys.path.insert(0, str(ROOT))

    import psycopg

    from kiosk.outbox.queue import OutboxQueue
    from kiosk.outbox.shipper import Shipper
    from kiosk.server.config import ServerConfig
    from kiosk.server.kiosk_link import KioskLink
    from kiosk.signups.crypto import (
        MEMLIMIT_FLOOR,
        OPSLIMIT_FLOOR,
        create_keys,
        load_public_key,
        seal,
    )
    from kiosk.signups.entry import Signup
    from kiosk.signups.service import pad
    from kiosk.signups.store import SignupStore
    from tests.postgres import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL's server is not installed: apt-get install postgresql")
    server = PostgresServer.start_new(bin_dir, durable=True)  # fsync on, as in a clinic
    try:
        kiosk_clinic, raw_clinic = server.fresh_clinic(), server.fresh_clinic()
        with tempfile.TemporaryDirectory(prefix="bench-outbox-") as scratch:
            folder = Path(scratch)
            keys = folder / "clinic-keys.json"
            create_keys(keys, "correct horse battery staple", opslimit=OPSLIMIT_FLOOR,
                        memlimit=MEMLIMIT_FLOOR)
            public_key = load_public_key(keys)
            store = SignupStore.open(folder / "signups.db")
            # A usual sign-up, sealed and padded as the form saves it, while the server is away.
            body = pad(Signup(name="Zoë Peña-Okafor", phone="+12025550143",
                              email="zoe@example.org", contact_time="morning",
                              note="Sciatica in the left leg since March.",
                              consent_version="en-2026-11-1", language="en").to_json())
            for _ in range(entries):
                store.add(seal(public_key, body), "en-2026-11-1")
            sealed = [e.sealed for e in store.entries()]

            config = ServerConfig(kiosk_clinic.kiosk_conninfo, "bench room")
            shipper = Shipper(lambda: OutboxQueue(store.path), lambda: KioskLink(config),
                              program_version="bench", content_version=lambda: "bench",
                              heartbeat_s=3600, batch=BATCH)
            shipper.tick(time.perf_counter())  # connects and sends the first batch
            raw = psycopg.connect(raw_clinic.kiosk_conninfo, autocommit=True)
            when = datetime.now(UTC)
            todo = sealed[BATCH:]
            insert_raw(raw, sealed[:BATCH], when)
            drain_s = raw_s = 0.0
            # In turns of ROUND entries, each side first every other turn, so both see the
            # server's checkpoints and the disk alike.
            for turn, start in enumerate(range(0, len(todo), ROUND)):
                chunk = todo[start:start + ROUND]
                for side in ("drain", "raw") if turn % 2 else ("raw", "drain"):
                    began = time.perf_counter()
                    if side == "raw":
                        insert_raw(raw, chunk, when)
                        raw_s += time.perf_counter() - began
                    else:
                        left = store.count() - len(chunk)
                        while store.count() > left:
                            shipper.tick(time.perf_counter())
                        drain_s += time.perf_counter() - began
            began = time.perf_counter()
            while store.count():  # the rest, and the folding of the WAL at the end
                shipper.tick(time.perf_counter())
            drain_s += time.perf_counter() - began
            raw.close()
            shipper.close()
            store.close()
        for clinic in (kiosk_clinic, raw_clinic):
            with psycopg.connect(clinic.admin_conninfo) as conn:
                arrived = conn.execute("SELECT count(*) FROM entries").fetchone()
            assert arrived == (entries,), arrived
    finally:
        server.destroy()

    rows = [Row(f"drain {entries:,} queued sign-ups after an outage", drain_s, "s", raw_s,
                "raw psycopg inserts, same bytes", "<= 2x", drain_s <= 2 * raw_s)]
    emit("Draining the outbox", rows, args.json,
         [f"{entries} sealed entries of {len(sealed[0])} bytes over the Unix socket, "
          f"PostgreSQL with fsync on, kiosk SQLite with synchronous=FULL; "
          f"{entries / drain_s:.0f} entries/s drained, {entries / raw_s:.0f}/s raw; "
          f"pid {os.getpid()}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
