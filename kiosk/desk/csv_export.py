"""The desk's CSV export: the kiosk's columns, escaping and file handling, plus the kiosk.

Every cell goes through `kiosk.signups.export.safe_cell` (a leading ``'`` before ``= + - @``,
tab or CR), the file is UTF-8 with a byte-order mark and CRLF lines, written private (0600)
and all at once, exactly as ``kiosk export`` writes it. The columns are the kiosk's in the
same order, so a scheduling system's import keeps working, with "kiosk" added last.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kiosk.desk.inbox import InboxRow
from kiosk.signups.export import HEADER, UNREADABLE, local_time, safe_cell, write_rows

DESK_HEADER = (*HEADER, "kiosk")


def _cells(row: InboxRow) -> list[str]:
    s = row.signup
    if s is None:
        cells = [str(row.id), local_time(row.created_at), UNREADABLE, "", "", "", "",
                 row.consent_version, local_time(row.contacted_at), "", row.kiosk]
    else:
        cells = [str(row.id), local_time(row.created_at), s.name, s.phone, s.email,
                 s.contact_time, s.note, row.consent_version, local_time(row.contacted_at),
                 s.language, row.kiosk]
    return [safe_cell(cell) for cell in cells]


def write_desk_csv(rows: Iterable[InboxRow], path: Path) -> int:
    """Write ``rows`` to ``path`` (replacing it); return how many rows were written."""
    return write_rows(path, DESK_HEADER, map(_cells, rows))
