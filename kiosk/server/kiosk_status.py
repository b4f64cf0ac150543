"""A kiosk's health as the desk shows it, from its last heartbeat: pure, Qt-free.

OK: heard from within two heartbeats and nothing waiting for long. LATE: not heard from for
longer (switched off, network down, or the program stopped). NOT_DRAINING: it is heard from
but entries have waited on it for more than a few heartbeats (it cannot send them).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

# Heard from within this many heartbeats is on time.
LATE_AFTER_BEATS = 2
# Entries still waiting after this many heartbeats mean the kiosk cannot send them.
NOT_DRAINING_AFTER_BEATS = 4


@dataclass(frozen=True)
class KioskStatus:
    """A kiosk's last heartbeat (DeskStore.kiosks)."""

    kiosk: str
    last_seen: datetime
    program_version: str
    content_version: str
    waiting: int
    last_error: str | None
    # When it last reported nothing waiting (None: not in the heartbeats kept).
    last_empty: datetime | None = None


class Health(enum.Enum):
    OK = "ok"
    LATE = "late"
    NOT_DRAINING = "not draining"


@dataclass(frozen=True)
class KioskHealth:
    health: Health
    # Plain words for the desk, e.g. "Not heard from for 5 minutes".
    text: str


def _ago(span: timedelta) -> str:
    seconds = max(0, int(span.total_seconds()))
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 2 * 3600:
        return f"{seconds // 60} minutes"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} hours"
    return f"{seconds // 86400} days"


def classify(status: KioskStatus, now: datetime, heartbeat_seconds: int) -> KioskHealth:
    since = now - status.last_seen
    beat = timedelta(seconds=heartbeat_seconds)
    if since > beat * LATE_AFTER_BEATS:
        return KioskHealth(Health.LATE, f"Not heard from for {_ago(since)}")
    if status.waiting > 0:
        stuck_since = status.last_empty
        stuck = now - stuck_since if stuck_since is not None else None
        if stuck is None or stuck > beat * NOT_DRAINING_AFTER_BEATS:
            plural = "sign-up" if status.waiting == 1 else "sign-ups"
            words = f"{status.waiting} {plural} waiting on the kiosk"
            if stuck is not None:
                words += f" for {_ago(stuck)}"
            if status.last_error:
                words += f" ({status.last_error})"
            return KioskHealth(Health.NOT_DRAINING, words)
    return KioskHealth(Health.OK, f"OK, last heard from {_ago(since)} ago")
