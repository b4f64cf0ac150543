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
@pytest.mark.expect_log("kiosk.error_guard", r"returning to the start page")
def test_a_bug_is_logged_with_traceback_and_the_kiosk_recovers(caplog):
    recovered = []
    error_guard.install(lambda: recovered.append(True))
    with caplog.at_level(logging.CRITICAL):
        raise_and_hook(ValueError("boom"))
    assert recovered == [True]
    assert caplog.records[0].exc_info is not None
    assert "returning to the start page" in caplog.text


@pytest.mark.usefixtures("hooks")
@pytest.mark.expect_log("kiosk.error_guard", r"could not return to the start page")
@pytest.mark.expect_log("kiosk.error_guard", r"recovery failed; exiting")
@pytest.mark.expect_log("kiosk.error_guard", r"returning to the start page")
def test_if_recovery_fails_the_program_exits_for_the_supervisor(caplog):
    def broken() -> None:
        raise RuntimeError("worse")

    error_guard.install(broken)
    with caplog.at_level(logging.CRITICAL), pytest.raises(SystemExit) as exit_info:
        raise_and_hook(ValueError("boom"))
    assert exit_info.value.code == 70


@pytest.mark.usefixtures("hooks")
@pytest.mark.expect_log("kiosk.error_guard", r"unexpected errors within")
@pytest.mark.expect_log("kiosk.error_guard", r"returning to the start page")
def test_errors_that_keep_coming_end_the_program_for_a_fresh_start(caplog):
    now = [0.0]
    recovered = []
    error_guard.install(lambda: recovered.append(True), clock=lambda: now[0])
    with caplog.at_level(logging.CRITICAL):
        for _ in range(error_guard.BURST - 1):
            now[0] += 1
            raise_and_hook(ValueError("every tick"))
        # A quiet minute forgets them.
        now[0] += error_guard.WINDOW_S
        for _ in range(error_guard.BURST - 1):
            raise_and_hook(ValueError("every tick"))
        assert len(recovered) == 2 * (error_guard.BURST - 1)
        with pytest.raises(SystemExit) as exit_info:
            raise_and_hook(ValueError("every tick"))
    assert exit_info.value.code == error_guard.EXIT_FATAL
    assert "restarts the kiosk" in caplog.records[-1].getMessage()


@pytest.mark.usefixtures("hooks")
@pytest.mark.expect_log("kiosk.error_guard", r"unexpected error in thread")
@pytest.mark.expect_log("kiosk.error_guard", r"returning to the start page")
def test_a_thread_error_is_logged_with_its_traceback_and_never_touches_the_window(caplog):
    recovered = []
    error_guard.install(lambda: recovered.append(True))

    def fail() -> None:
        raise OSError("disk went away")

    def hook_from_worker() -> None:
        raise_and_hook(ValueError("in a worker"))

    with caplog.at_level(logging.CRITICAL):
        for target in (fail, hook_from_worker):
            worker = threading.Thread(target=target, name="content-load")
            worker.start()
            worker.join()
    assert recovered == []
    thread_record, hook_record = caplog.records
    assert "thread content-load" in thread_record.getMessage()
    assert thread_record.exc_info is not None
    assert thread_record.exc_info[0] is OSError
    assert hook_record.exc_info is not None
    assert hook_record.exc_info[0] is ValueError
