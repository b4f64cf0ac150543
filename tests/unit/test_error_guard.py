import logging
import sys
import threading

import pytest

from kiosk import error_guard


@pytest.fixture
def hooks(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


def raise_and_hook(error: BaseException) -> None:
    try:
        raise error
    except BaseException as caught:  # noqa: BLE001 - handing it to the hook is the test
        sys.excepthook(type(caught), caught, caught.__traceback__)


@pytest.mark.usefixtures("hooks")
def test_a_bug_is_logged_with_traceback_and_the_kiosk_recovers(caplog):
    recovered = []
    error_guard.install(lambda: recovered.append(True))
    with caplog.at_level(logging.CRITICAL):
        raise_and_hook(ValueError("boom"))
    assert recovered == [True]
    assert caplog.records[0].exc_info is not None
    assert "returning to the start page" in caplog.text


@pytest.mark.usefixtures("hooks")
def test_if_recovery_fails_the_program_exits_for_the_supervisor(caplog):
    def broken() -> None:
        raise RuntimeError("worse")

    error_guard.install(broken)
    with caplog.at_level(logging.CRITICAL), pytest.raises(SystemExit) as exit_info:
        raise_and_hook(ValueError("boom"))
    assert exit_info.value.code == 70
