"""At each open of the sign-up store: salvage every damaged file set aside so far into the
open database, without bringing back an entry that was deleted. Qt-free.

Apart from `kiosk.signups.store` only to keep each module short; `kiosk.signups.salvage`
reads one damaged file and restores what it holds.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from kiosk.signups import copies
from kiosk.signups.copies import fingerprint, tombstones
from kiosk.signups.salvage import Found, Salvaged, read, restore

log = logging.getLogger(__name__)


def salvage_set_aside(conn: sqlite3.Connection, path: Path,
                      aside: Path | None) -> Salvaged | None:
    """Salvage every set-aside file (see `restore`); what staff should hear about.

    ``aside`` is the file set aside at this open, if any. A salvage that fails is logged, not
    fatal: the kiosk takes new sign-ups, and the next open tries again. The tombstones of
    every file come first, so an entry deleted in one damaged database is not brought back
    from an older copy either. Then deleted entries a copy still holds (its scrub failed) are
    zeroed again, and once no set-aside file is left the tombstones have nothing more to
    guard and are dropped.
    """
    found: dict[Path, Found] = {}
    for damaged in copies.set_aside_databases(path):
        try:
            found[damaged] = read(damaged)
        except OSError as e:
            log.error("cannot read the damaged database %s for salvage: %s", damaged.name,
                      e.strerror)
    inherited = {h for f in found.values() for h in f.deleted} - tombstones(conn)
    if inherited:
        with copies.write(conn):
            conn.executemany("INSERT OR IGNORE INTO deleted (sha256) VALUES (?)",
                             [(h,) for h in inherited])
    report = None
    for damaged in copies.set_aside_databases(path):
        try:
            result = restore(conn, damaged, found[damaged]) if damaged in found else \
                Salvaged(damaged, 0, 0)
        except sqlite3.Error as e:
            log.error("could not salvage %s yet (%s); will try at the next start",
                      damaged.name, getattr(e, "sqlite_errorname", type(e).__name__))
            result = Salvaged(damaged, 0, 0)
        if damaged == aside or result.recovered:
            report = result
    gone = tombstones(conn)
    copies.scrub_deleted(path, [row.sealed for f in found.values() for row in f.rows.values()
                                if fingerprint(row.sealed) in gone])
    copies.drop_tombstones_if_unneeded(conn, path)
    return report
