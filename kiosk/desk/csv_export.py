"""The desk's CSV export: the kiosk's columns, escaping and file handling, plus the kiosk.

Every cell goes through `kiosk.signups.export.safe_cell` (a leading ``'`` before ``= + - @``,
tab or CR), the file is UTF-8 with a byte-order mark and CRLF lines, written private (0600)
and all at once, exactly as ``kiosk export`` writes it. The columns are the kiosk's in the
same order, so a scheduling system's import keeps working, with "kiosk" added last.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from kiosk.desk.inbox import InboxRow
from kiosk.private_files import write_atomic
from kiosk.signups.export import HEADER, UNREADABLE, safe_cell

DESK_HEADER = (*HEADER, "kiosk")
_READABLE = "%Y-%m-%d %H:%M"


def _local(when: datetime | None) -> str:
    return "" if when is None else when.astimezone().strftime(_READABLE)


def _cells(row: InboxRow) -> list[str]:
    s = row.signup
    if s is None:
        cells = [str(row.id), _local(row.created_at), UNREADABLE, "", "", "", "",
                 row.consent_version, _local(row.contacted_at), "", row.kiosk]
    else:
        cells = [str(row.id), _local(row.created_at), s.name, s.phone, s.email,
                 s.contact_time, s.note, row.consent_version, _local(row.contacted_at),
                 s.language, row.kiosk]
    return [safe_cell(cell) for cell in cells]


def write_desk_csv(rows: Iterable[InboxRow], path: Path) -> int:
    """Write ``rows`` to ``path`` (replacing it); return how many rows were written."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(DESK_HEADER)
    count = 0
    for row in rows:
        writer.writerow(_cells(row))
        count += 1
    write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
    return count
