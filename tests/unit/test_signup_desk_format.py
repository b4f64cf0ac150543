"""Dates and phone numbers as the front desk reads them (issue 19, section 5)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.signups.desk_format import DeskFormat

SATURDAY = datetime(2026, 12, 5, 19, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    """The list shows the machine's local time; pin it so the words can be checked."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(("language", "region", "expected"), [
    ("en", "US", "Sat, Dec 5, 2026, 7:30\u202fPM"),
    ("es", "US", "sáb, 5 de dic de 2026, 7:30\u202fp.m."),
    ("es", "ES", "sáb, 5 dic 2026, 19:30"),
    ("en", "GB", "Sat, 5 Dec 2026, 19:30"),
    ("zz", "US", "Sat, Dec 5, 2026, 7:30\u202fPM"),  # unknown language: English, not a crash
])
def test_dates_follow_the_language_and_the_clinics_clock(language, region, expected):
    assert DeskFormat(language, region).when(SATURDAY) == expected


@pytest.mark.parametrize(("region", "stored", "shown"), [
    ("US", "+12025550143", "(202) 555-0143"),
    ("US", "+12025550143 ext. 12", "(202) 555-0143 ext. 12"),
    ("US", "+442079460958", "+44 20 7946 0958"),
    ("ES", "+34912345678", "912 34 56 78"),
    ("ES", "+12025550143", "+1 202-555-0143"),
    ("US", "", ""),
    ("US", "not a number", "not a number"),
])
def test_phone_numbers_in_the_clinics_national_format(region, stored, shown):
    assert DeskFormat("en", region).phone(stored) == shown
