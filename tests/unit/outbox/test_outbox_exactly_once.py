"""Exactly once: a kiosk saving and shipping sign-ups is killed with SIGKILL 100 times at
random moments while the clinic server is stopped and started again 25 times; in the end
every entry it acknowledged is on the server exactly once, and none is left on the kiosk.

A child (outbox_writer.py) runs the kiosk's two threads: saves (``A`` after the commit, when
the kiosk would say "thank you") and the real outbox thread sending to a real PostgreSQL
(``S`` after each local removal). The parent reads a random number of lines (seeded), so the
kill lands while saving, while sending, between the server's commit and the local removal,
or while the server is away; in every other round it stops or starts the server in the
middle of the child's run. The next child opens the database as the killed one left it.
Then a last child drains the queue, and the server's rows are opened with the clinic's key:
each acknowledged ``TAG:N`` once, no plaintext twice, no row the kiosk never wrote, the
kiosk's table empty and no sealed byte of any entry left in the kiosk's files.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import psycopg

from kiosk.config import PROJECT_ROOT
from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys, unlock, unseal
from tests.postgres import PostgresServer

WRITER = Path(__file__).with_name("outbox_writer.py")
KILLS = 100
SEED = 20261205
PASSPHRASE = "maple street front desk"


def run_and_kill(args: list[str], lines: int, server: PostgresServer, toggle_after: int | None,
                 sends: int) -> tuple[set[str], int]:
    """Start a writer, read ``lines`` lines (stopping or starting the server after
    ``toggle_after`` of them), then, once it has saved all it will (``Z``) and if the server
    is up, up to ``sends`` more sends (or until nothing waits); SIGKILL it. Return the tags
    it acknowledged and how many it sent."""
    child = subprocess.Popen([sys.executable, str(WRITER), *args, "write"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=PROJECT_ROOT)
    assert child.stdout is not None
    acknowledged, sent = set(), 0

    def take(line: bytes) -> None:
        nonlocal sent
        kind, *rest = line.decode().split()
        if kind in ("Z", "E"):
            return
        if kind == "A":
            acknowledged.add(rest[0])
        else:
            assert kind == "S", line
            sent += 1

    for n in range(lines):
        if n == toggle_after:
            server.stop() if server.running else server.start()
        line = child.stdout.readline()
        if not line:
            break
        take(line)
        if line == b"Z\n":
            # Saving is over: if the server is there, let the outbox thread send, and kill
            # it in the middle.
            for _ in range(sends if server.running else 0):
                line = child.stdout.readline()
                if not line or line == b"E\n":
                    break
                take(line)
            break
    child.kill()
    # Through the same buffered reader: communicate() would skip what readline read ahead.
    rest = child.stdout.read()
    assert child.stderr is not None
    errors = child.stderr.read()
    child.wait()
    child.stdout.close()
    child.stderr.close()
    assert child.returncode == -signal.SIGKILL, errors.decode(errors="replace")[-3000:]
    # Lines already in the pipe were printed after their commit: they count too.
    for line in rest.split(b"\n")[:-1]:
        take(line)
    return acknowledged, sent


def test_every_acknowledged_entry_reaches_the_server_exactly_once(tmp_path, private_postgres):
    server = private_postgres
    clinic = server.fresh_clinic()
    db = tmp_path / "data" / "signups.db"
    keys = tmp_path / "data" / "clinic-keys.json"
    create_keys(keys, PASSPHRASE, opslimit=OPSLIMIT_FLOOR, memlimit=MEMLIMIT_FLOOR)
    key = unlock(keys, PASSPHRASE)
    rng = random.Random(SEED)
    acknowledged: set[str] = set()
    sent = toggles = 0
    for kill in range(KILLS):
        toggle_after = rng.randint(0, 10) if kill % 4 in (1, 3) else None
        toggles += toggle_after is not None
        new, shipped = run_and_kill([str(db), str(keys), clinic.kiosk_conninfo, f"k{kill}"],
                                    rng.randint(1, 40), server, toggle_after,
                                    rng.randint(1, 80))
        acknowledged |= new
        sent += shipped
    assert toggles >= 40  # stopped at least 20 times, started again as often
    assert sent >= 100, f"only {sent} sent while the children ran: kills missed the sending"

    if not server.running:
        server.start()
    done = subprocess.run([sys.executable, str(WRITER), str(db), str(keys),
                           clinic.kiosk_conninfo, "drain", "drain"], capture_output=True,
                          cwd=PROJECT_ROOT, timeout=120, check=False)
    assert done.stdout.endswith(b"DRAINED\n"), done.stderr.decode(errors="replace")[-3000:]

    with psycopg.connect(clinic.admin_conninfo) as conn:
        rows = conn.execute("SELECT sealed FROM entries").fetchall()
    on_server = Counter(unseal(key, bytes(sealed)).decode() for (sealed,) in rows)
    twice = [tag for tag, count in on_server.items() if count > 1]
    assert twice == []
    missing = acknowledged - on_server.keys()
    assert missing == set(), sorted(missing)[:10]
    # Saved but killed before "thank you" may be there too, but nothing else.
    written = {f"k{k}" for k in range(KILLS)}
    assert {tag.split(":")[0] for tag in on_server} <= written
    assert len(acknowledged) > 1000

    # Nothing left on the kiosk: not a row, not a sealed byte in any of its files.
    conn2 = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn2.execute("SELECT count(*) FROM signups").fetchone() == (0,)
        assert conn2.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
    finally:
        conn2.close()
    prefixes = [bytes(sealed)[:32] for (sealed,) in rows]
    for path in db.parent.iterdir():
        data = path.read_bytes()
        assert not any(p in data for p in prefixes), path.name
