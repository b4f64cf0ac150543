"""A kiosk's health from its last heartbeat: pure, with a test clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.server.kiosk_status import Health, KioskStatus, classify

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _status(seen_ago: float, waiting: int = 0, empty_ago: float | None = 0,
            error: str | None = None) -> KioskStatus:
    return KioskStatus("room 1", NOW - timedelta(seconds=seen_ago), "1.0", "c1", waiting,
                       error, None if empty_ago is None else NOW - timedelta(seconds=empty_ago))


@pytest.mark.parametrize(("status", "health", "words"), [
    (_status(10), Health.OK, "OK, last heard from 10 seconds ago"),
    (_status(60), Health.OK, "OK, last heard from 60 seconds ago"),
    (_status(61), Health.LATE, "Not heard from for 61 seconds"),
    (_status(600), Health.LATE, "Not heard from for 10 minutes"),
    (_status(3 * 86400), Health.LATE, "Not heard from for 3 days"),
    # Entries waiting a short while: it is sending them.
    (_status(5, waiting=3, empty_ago=60), Health.OK, "OK, last heard from 5 seconds ago"),
    (_status(5, waiting=3, empty_ago=121, error="ServerUnavailable"), Health.NOT_DRAINING,
     "3 sign-ups waiting on the kiosk for 2 minutes (ServerUnavailable)"),
    (_status(5, waiting=1, empty_ago=None), Health.NOT_DRAINING,
     "1 sign-up waiting on the kiosk"),
    # Late wins: a kiosk not heard from cannot say whether it drains.
    (_status(900, waiting=3, empty_ago=None), Health.LATE, "Not heard from for 15 minutes"),
])
def test_classify(status: KioskStatus, health: Health, words: str) -> None:
    result = classify(status, NOW, heartbeat_seconds=30)
    assert (result.health, result.text) == (health, words)
