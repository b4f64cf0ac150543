"""Kill -9 a process that is saving sign-ups, again and again: nothing it confirmed is lost.

A child (crash_writer.py) saves entries in a loop and reports each id only after `add`
returned. The parent reads a random number of reports (1-30, seeded), kills the child with
SIGKILL while it is in the middle of the next save, then checks the file with a plain
read-only SQLite connection (not the store, which would quietly set a damaged file aside):
integrity is "ok" and every reported entry is there and opens with the clinic's key. The
next child then opens the file as the killed one left it, WAL and all.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import nacl.public

from kiosk.config import PROJECT_ROOT
from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys, unlock, unseal
from kiosk.signups.store import SignupStore

WRITER = Path(__file__).with_name("crash_writer.py")
KILLS = 200
SEED = 20261125
PASSPHRASE = "maple street front desk"


def parse(line: bytes, tag: str) -> tuple[int, bytes]:
    entry_id, n = line.split()
    return int(entry_id), f"{tag}:{n.decode()}".encode()


def run_and_kill(db: Path, keys: Path, tag: str, reports: int) -> dict[int, bytes]:
    """Start a writer, read ``reports`` ids, SIGKILL it; return every id it reported."""
    child = subprocess.Popen([sys.executable, str(WRITER), str(db), str(keys), tag],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=PROJECT_ROOT)
    assert child.stdout is not None
    reported = {}
    for _ in range(reports):
        line = child.stdout.readline()
        if not line:
            break
        entry_id, payload = parse(line, tag)
        reported[entry_id] = payload
    child.kill()
    rest, errors = child.communicate()
    assert child.returncode == -signal.SIGKILL, errors.decode(errors="replace")
    # Lines already in the pipe were printed after their add() returned: they count too.
    for line in rest.split(b"\n")[:-1]:
        entry_id, payload = parse(line, tag)
        reported[entry_id] = payload
    assert len(reported) >= reports
    return reported


def check(db: Path, key: nacl.public.PrivateKey, new: dict[int, bytes],
          everything: dict[int, bytes]) -> None:
    # Read-only, so closing it neither checkpoints nor removes the WAL: the next writer
    # starts on the file exactly as the killed one left it.
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        present = {row[0] for row in conn.execute("SELECT id FROM signups")}
        assert everything.keys() <= present, sorted(everything.keys() - present)
        for entry_id, payload in new.items():
            (sealed,) = conn.execute("SELECT sealed FROM signups WHERE id = ?",
                                     (entry_id,)).fetchone()
            assert unseal(key, sealed) == payload
    finally:
        conn.close()


def test_confirmed_entries_survive_sigkill(tmp_path):
    db = tmp_path / "data" / "signups.db"
    keys = tmp_path / "data" / "clinic-keys.json"
    create_keys(keys, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    key = unlock(keys, PASSPHRASE)
    rng = random.Random(SEED)
    everything: dict[int, bytes] = {}
    for kill in range(KILLS):
        new = run_and_kill(db, keys, f"k{kill}", rng.randint(1, 30))
        assert not new.keys() & everything.keys()
        everything.update(new)
        check(db, key, new, everything)

    with SignupStore.open(db) as store:
        assert store.recovered_from is None
        stored = {e.id: unseal(key, e.sealed) for e in store.entries()}
    assert all(stored[entry_id] == payload for entry_id, payload in everything.items())
    assert not list(db.parent.glob("*.corrupt-*"))
