"""The files under the open sign-up store, and what to do when one moves. Qt-free.

A clean-up script or a person may remove or replace the ``-wal`` file (or the database)
under the open store; every later commit would then go to a file nobody can find again.
`WatchedFiles` remembers which files (device, inode) the connection writes and says which
one is no longer at its name; `fold_wal_and_reopen` saves what the still-open connection
holds into the main file and opens it again. The store (`kiosk.signups.store`) decides when
to check and what to refuse; these are apart only to keep each module short.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.signups.copies import side
from kiosk.signups.db_file import (
    StoreError,
    configure,
    connect,
    healthy,
    identity,
    schema_version,
)


class WatchedFiles:
    """The database and its WAL as they were when the connection opened them."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        conn.execute("SELECT count(*) FROM signups").fetchall()  # opens the WAL
        self._known = {p: identity(p) for p in (path, side(path, "-wal"))}

    def moved(self) -> Path | None:
        """The first file no longer at its name (removed or replaced), if any."""
        for path, known in self._known.items():
            try:
                if identity(path) != known:
                    return path
            except FileNotFoundError:
                return path
        return None


def fold_wal(conn: sqlite3.Connection) -> None:
    """Fold the open (unlinked) WAL into the main file through its descriptor, then close
    ``conn``; raise StoreError (``conn`` left open) if the checkpoint is incomplete."""
    busy, frames, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy or frames != done:
        raise StoreError(f"checkpoint incomplete ({done} of {frames} frames)")
    # Closing deletes whatever is at the -wal name now: a stranger's file must not be
    # replayed into ours when the new connection opens.
    conn.close()


def reopen(path: Path) -> sqlite3.Connection:
    """A fresh connection to the database after `fold_wal`, once it passes its check."""
    if not healthy(path):
        raise StoreError("the database failed its check after the checkpoint")
    fresh = connect(path)
    try:
        schema_version(fresh)
        configure(fresh)
    except BaseException:
        fresh.close()
        raise
    return fresh
