"""A kiosk's health as the desk shows it, from its last heartbeat: pure, Qt-free.

OK: heard from within two heartbeats and nothing waiting for long. LATE: not heard from for
longer (switched off, network down, or the program stopped). NOT_DRAINING: it is heard from
but entries have waited on it for more than a few heartbeats (it cannot send them).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

# Heard from within this many heartbeats is on time.
LATE_AFTER_BEATS = 2
# Entries still waiting after this many heartbeats mean the kiosk cannot send them.
NOT_DRAINING_AFTER_BEATS = 4


# The error class a kiosk's heartbeat names (kept as the class: IT reads it in the table's
# tooltip and the kiosk's log) -> the i18n key of the plain words the desk shows staff.
ERROR_KEYS = {
    "ServerUnavailable": "desk_kiosk_error_unavailable",
    "InsecureConnection": "desk_kiosk_error_insecure",
    "SchemaTooNew": "desk_kiosk_error_schema",
    "WrongRole": "desk_kiosk_error_role",
    "EntryRejected": "desk_kiosk_error_rejected",
    # The kiosk refused the server's newest page version (its log says why).
    "PagesRefused": "desk_kiosk_error_pages",
    "StoreError": "desk_kiosk_error_store",
}
OTHER_ERROR_KEY = "desk_kiosk_error_other"
# What a class name looks like. Heartbeats are written by a kiosk's login, so a stolen
# one could put any 200 characters here: only a name like this is ever shown, as a class.
_CLASS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,79}")


def error_class(last_error: str | None) -> str | None:
    """The class named in a heartbeat if it looks like one, else None."""
    if last_error and _CLASS_NAME.fullmatch(last_error):
        return last_error
    return None


def error_words(last_error: str | None, strings: Mapping[str, str]) -> str:
    """Plain words for staff for a heartbeat's error class ("" when there is none); an
    unknown class (or text that is no class) gets general words, never the raw text."""
    if not last_error:
        return ""
    return strings[ERROR_KEYS.get(last_error, OTHER_ERROR_KEY)]


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


def _ago(span: timedelta, words: Mapping[str, str]) -> str:
    seconds = max(0, int(span.total_seconds()))
    if seconds < 120:
        return words["desk_kiosk_seconds"].format(n=seconds)
    if seconds < 2 * 3600:
        return words["desk_kiosk_minutes"].format(n=seconds // 60)
    if seconds < 2 * 86400:
        return words["desk_kiosk_hours"].format(n=seconds // 3600)
    return words["desk_kiosk_days"].format(n=seconds // 86400)


def classify(status: KioskStatus, now: datetime, heartbeat_seconds: int,
             words: Mapping[str, str]) -> KioskHealth:
    """The kiosk's health in ``words`` (the desk's strings, resources/i18n), the heartbeat's
    error class among them as plain words (``error_words``)."""
    since = now - status.last_seen
    beat = timedelta(seconds=heartbeat_seconds)
    if since > beat * LATE_AFTER_BEATS:
        return KioskHealth(Health.LATE, words["desk_kiosk_late"].format(
            ago=_ago(since, words)))
    if status.waiting > 0:
        stuck_since = status.last_empty
        stuck = now - stuck_since if stuck_since is not None else None
        if stuck is None or stuck > beat * NOT_DRAINING_AFTER_BEATS:
            text = (words["desk_kiosk_waiting_one"] if status.waiting == 1 else
                    words["desk_kiosk_waiting_many"].format(count=status.waiting))
            if stuck is not None:
                text = words["desk_kiosk_waiting_for"].format(waiting=text,
                                                              ago=_ago(stuck, words))
            if status.last_error:
                text += f" ({error_words(status.last_error, words)})"
            return KioskHealth(Health.NOT_DRAINING, text)
    return KioskHealth(Health.OK, words["desk_kiosk_ok"].format(ago=_ago(since, words)))
