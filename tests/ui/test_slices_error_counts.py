"""A step of work in slices that fails is an unexpected error like any other (issue 14):
error_guard logs it, sends the patient back to the start page and counts it toward the
restart rule. It used to be logged and swallowed, so a reload failing every time never
added up to a restart."""

from __future__ import annotations

import sys
import threading

import pytest

from kiosk import error_guard
from kiosk.ui.services.in_slices import InSlices

from .conftest import WAIT_MS


@pytest.fixture
def guarded(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


def broken() -> None:
    raise RuntimeError("kiosk-test-step")


@pytest.mark.qt_no_exception_capture
@pytest.mark.usefixtures("guarded")
@pytest.mark.expect_log("kiosk.ui.services.in_slices", r"a step failed")
@pytest.mark.expect_log("kiosk.error_guard", r"returning to the start page")
def test_a_failed_step_reaches_error_guard(qtbot):
    recovered: list[bool] = []
    error_guard.install(lambda: recovered.append(True))
    work = InSlices([broken], slice_ms=0)
    with qtbot.waitSignal(work.failed, timeout=WAIT_MS):
        work.start()
    qtbot.waitUntil(lambda: recovered == [True], timeout=WAIT_MS)
