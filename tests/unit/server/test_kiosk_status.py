"""A kiosk's health from its last heartbeat: pure, with a test clock."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.config import I18N_DIR
from kiosk.server.kiosk_status import (
    ERROR_KEYS,
    OTHER_ERROR_KEY,
    Health,
    KioskStatus,
    classify,
    error_class,
    error_words,
)

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
     "3 sign-ups waiting on the kiosk for 2 minutes (Cannot reach the clinic server)"),
    (_status(5, waiting=1, empty_ago=None), Health.NOT_DRAINING,
     "1 sign-up waiting on the kiosk"),
    # Late wins: a kiosk not heard from cannot say whether it drains.
    (_status(900, waiting=3, empty_ago=None), Health.LATE, "Not heard from for 15 minutes"),
])
def test_classify(status: KioskStatus, health: Health, words: str) -> None:
    result = classify(status, NOW, 30, _strings("en"))
    assert (result.health, result.text) == (health, words)


def _strings(language: str) -> dict[str, str]:
    return tomllib.loads((I18N_DIR / f"{language}.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_error_class_has_plain_words_in_each_language(language: str) -> None:
    strings = _strings(language)
    for name in [*ERROR_KEYS, "KeyError"]:
        words = error_words(name, strings)
        assert words
        assert name not in words
    assert error_words("Call 555-0100", strings) == strings[OTHER_ERROR_KEY]
    assert error_words(None, strings) == ""


def test_the_state_says_why_in_the_words_it_is_given() -> None:
    strings = _strings("es")
    status = _status(5, waiting=2, empty_ago=None, error="SchemaTooNew")
    text = classify(status, NOW, 30, strings).text
    assert text == f"2 solicitudes esperando en el quiosco ({strings['desk_kiosk_error_schema']})"
    assert classify(_status(600), NOW, 30, strings).text == "Sin señal desde hace 10 minutos"


def test_only_a_class_name_is_kept_as_a_class() -> None:
    assert error_class("ServerUnavailable") == "ServerUnavailable"
    assert error_class("<b>call IT</b>") is None
    assert error_class(None) is None
