"""Sign-ups as a CSV file the front desk opens in a spreadsheet. Qt-free.

UTF-8 with a byte-order mark so Excel shows "Zoë" and not "ZoÃ«". The file is private
(0600) and appears all at once: it is written to a temporary file in the same folder and
renamed, so a full USB stick or a pulled plug never leaves half a list behind.

An entry that could not be opened with the clinic's key gets a row too, with its id and
time and `UNREADABLE` in place of the name, so the file says what the panel says.

A cell that starts with ``= + - @``, a tab or a carriage return would be run as a formula
by a spreadsheet (OWASP "CSV injection"); such a cell gets a leading ``'``. Phone numbers
in E.164 start with "+", so they are shown as ``'+12025550143``: safe, and still readable.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.private_files import write_atomic
from kiosk.signups.entry import DecryptedEntry

if TYPE_CHECKING:
    from kiosk.signups.service import UnreadableEntry

# "language" (the patient's, e.g. "es") is last, so columns a desk already relies on keep
# their place.
HEADER = ("id", "received", "name", "phone", "email", "preferred time", "note",
          "consent version", "contacted", "language")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_READABLE = "%Y-%m-%d %H:%M"
UNREADABLE = "(could not be read: damaged, or sealed to another key; ask IT)"


def safe_cell(value: str) -> str:
    """The value, made inert for spreadsheets if it could start a formula."""
    # Some spreadsheets skip leading spaces before deciding a cell is a formula.
    if value.startswith(_FORMULA_START) or value.lstrip(" ").startswith(_FORMULA_START):
        return "'" + value
    return value


def local_time(when: datetime | None) -> str:
    """A moment in this computer's time zone, as the CSV shows it ("" for none)."""
    return "" if when is None else when.astimezone().strftime(_READABLE)


def _row(entry: DecryptedEntry) -> list[str]:
    s = entry.signup
    cells = [str(entry.id), local_time(entry.created_at), s.name, s.phone, s.email,
             s.contact_time, s.note, entry.consent_version, local_time(entry.contacted_at),
             s.language]
    return [safe_cell(cell) for cell in cells]


def _unreadable_row(entry: UnreadableEntry) -> list[str]:
    cells = [str(entry.id), local_time(entry.created_at), UNREADABLE, "", "", "", "",
             entry.consent_version, local_time(entry.contacted_at), ""]
    return [safe_cell(cell) for cell in cells]


def write_csv(entries: Iterable[DecryptedEntry], path: Path,
              unreadable: Iterable[UnreadableEntry] = ()) -> int:
    """Write every entry to ``path`` (replacing it); return how many rows were written."""
    return write_rows(path, HEADER,
                      itertools.chain(map(_row, entries), map(_unreadable_row, unreadable)))


def write_rows(path: Path, header: Iterable[str], rows: Iterable[list[str]]) -> int:
    """``header`` then ``rows`` (cells already made safe) as CSV in UTF-8 with a BOM, which
    spreadsheets read as UTF-8, written whole and private (0600); how many rows."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
    return count
