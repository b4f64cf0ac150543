"""Sending a sealed sign-up to the clinic server, against a raw psycopg insert of the same
bytes on the same server.

    .venv/bin/python bench/server_send.py [--quick] [--sends N] [--json FILE]

The server is a real PostgreSQL started from Debian's binaries into a temporary folder
(tests/postgres.py) with fsync on, as a clinic's server runs; both sides connect over TCP to
127.0.0.1 with the kiosk role's password. The kiosk's path is
``kiosk.server.kiosk_link.KioskLink.send`` (autocommit INSERT ... ON CONFLICT DO NOTHING into
``entries``, the NOTIFY trigger, error mapping). The baseline is a bare ``psycopg``
connection as the same role inserting the same columns and bytes into the same table (the
same trigger fires) with autocommit. The bytes are a real sign-up sealed by the kiosk's own
code. Sends alternate between the two; the figure is the median.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from _common import ROOT, Row, emit, median, parser, percentile

FORM = {"name": "Zoë Peña-Okafor", "phone": "(202) 555-0143", "email": "zoe@example.org",
        "contact_time": "morning", "note": "Sciatica in the left leg since March."}


def sealed_signup() -> bytes:
    """One sign-up sealed by the kiosk's own code (its size is what goes over the wire)."""
    from kiosk.audit import AuditLog
    from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys
    from kiosk.signups.entry import validate
    from kiosk.signups.service import SignupService
    from kiosk.signups.store import SignupStore

    with tempfile.TemporaryDirectory(prefix="bench-seal-") as scratch:
        folder = Path(scratch)
        create_keys(folder / "keys.json", "correct horse battery staple",
                    opslimit=OPSLIMIT_FLOOR, memlimit=MEMLIMIT_FLOOR)
        store = SignupStore.open(folder / "signups.db")
        signup, errors = validate(FORM, True, "2024-01", "US")
        assert signup is not None, errors
        SignupService(store, folder / "keys.json", AuditLog(folder / "audit.log")).submit(signup)
        sealed = store.entries()[0].sealed
        store.close()
    return sealed


def main() -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--sends", type=int, default=1000)
    args = args_parser.parse_args()
    sends = 10 if args.quick else args.sends
    sys.path.insert(0, str(ROOT))

    import psycopg

    from kiosk.server.config import ServerConfig
    from kiosk.server.kiosk_link import KioskLink
    from tests.postgres import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL's server is not installed: apt-get install postgresql")
    sealed = sealed_signup()
    server = PostgresServer.start_new(bin_dir, durable=True)
    try:
        clinic = server.fresh_clinic()
        conninfo = server.conninfo(clinic.kiosk_role, clinic.kiosk_password,
                                   dbname=clinic.dbname, tcp=True)
        link = KioskLink(ServerConfig(conninfo, "bench kiosk"))
        raw = psycopg.connect(conninfo, autocommit=True)
        now = datetime.now(UTC)

        def send_kiosk() -> None:
            link.send(uuid.uuid4(), sealed, now, "2024-01")

        def send_raw() -> None:
            raw.execute("INSERT INTO entries (id, kiosk, created_at, consent_version, sealed) "
                        "VALUES (%s, %s, %s, %s, %s)",
                        (uuid.uuid4(), "bench raw", now, "2024-01", sealed))

        send_kiosk()
        send_raw()
        kiosk_ms: list[float] = []
        raw_ms: list[float] = []
        pair = ((send_kiosk, kiosk_ms), (send_raw, raw_ms))
        for n in range(sends):
            for measure, into in pair if n % 2 else pair[::-1]:
                start = time.perf_counter()
                measure()
                into.append((time.perf_counter() - start) * 1000)
        raw.close()
        link.close()
    finally:
        server.destroy()

    value, base = median(kiosk_ms), median(raw_ms)
    rows = [Row("send a sealed sign-up to the clinic server", value, "ms", base,
                "raw psycopg insert, same bytes", "<= 2x", value <= 2 * base)]
    emit("Sending to the clinic server", rows, args.json,
         [f"{sends} sends each of {len(sealed)} sealed bytes, alternating, over TCP to "
          f"127.0.0.1, PostgreSQL with fsync on; p99 kiosk "
          f"{percentile(kiosk_ms, 0.99):.2f} ms, raw {percentile(raw_ms, 0.99):.2f} ms"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
