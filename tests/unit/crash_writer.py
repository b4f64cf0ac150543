"""Child process for test_signup_crash: save sealed entries until it is killed.

Usage: ``python crash_writer.py DB KEYS TAG``. For each entry it writes ``ID N`` to stdout,
flushed, only after `SignupStore.add` has returned, i.e. after the moment the kiosk would
show "thank you". The entry's plaintext is ``TAG:N`` so the parent can check what it reads.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.signups.crypto import load_public_key, seal
from kiosk.signups.store import SignupStore

LIMIT = 10_000  # a runaway child (parent gone) stops on its own


def main(db: Path, keys: Path, tag: str) -> None:
    public_key = load_public_key(keys)
    store = SignupStore.open(db)  # never closed: this process only ends by SIGKILL
    for n in range(LIMIT):
        entry_id = store.add(seal(public_key, f"{tag}:{n}".encode()), "crash-test")
        sys.stdout.write(f"{entry_id} {n}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
