"""Self-recovery under the real event loop: bugs go to the log file and the patient sees the
start page; Qt's warnings go to the log; the watchdog's pings come from the UI thread."""

from __future__ import annotations

import logging
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, qCritical, qWarning
from PySide6.QtWidgets import QWidget

from kiosk import error_guard
from kiosk.logging_setup import setup_logging
from kiosk.session import ATTRACT, SIGNUP
from kiosk.ui.services import qt_log
from kiosk.ui.services.heartbeat import Heartbeat
from kiosk.watchdog import Notifier

from .conftest import WAIT_MS


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The kiosk's real rotating log file, removed from the root logger afterwards."""
    path = tmp_path / "log" / "kiosk.log"
    root = logging.getLogger()
    level = root.level
    setup_logging(path, to_stderr=False)
    yield path
    for handler in [h for h in root.handlers if getattr(h, "_kiosk", False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


@pytest.fixture
def guarded(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind(str(path))
        s.setblocking(False)
        yield str(path), s


def drain(s: socket.socket) -> list[str]:
    received = []
    while True:
        try:
            received.append(s.recv(4096).decode())
        except BlockingIOError:
            return received


@pytest.mark.qt_no_exception_capture
@pytest.mark.usefixtures("guarded")
@pytest.mark.expect_log("kiosk.error_guard", r"returning to the start page")
def test_a_bug_in_a_slot_is_logged_and_the_patient_is_back_at_the_start(qtbot, window,
                                                                         log_file):
    error_guard.install(recover=window.show_attract)
    window.show_signup()
    window.form.edits["name"].setText("Ana")
    assert window.current_page == SIGNUP

    def buggy_slot() -> None:
        raise ZeroDivisionError("kiosk-test-bug")

    QTimer.singleShot(0, window, buggy_slot)
    qtbot.waitUntil(lambda: window.current_page == ATTRACT, timeout=WAIT_MS)
    text = log_file.read_text(encoding="utf-8")
    assert "CRITICAL kiosk.error_guard: unexpected error; returning to the start page" in text
    assert "Traceback (most recent call last)" in text
    assert 'in buggy_slot\n    raise ZeroDivisionError("kiosk-test-bug")' in text
    assert "ZeroDivisionError: kiosk-test-bug" in text
    # What the patient typed is gone with the form, and never reached the log.
    assert window.form.edits["name"].text() == ""
    assert "Ana" not in text


@pytest.mark.qt_log_ignore("kiosk-test-")
@pytest.mark.expect_log("qt", r"kiosk-test-warning")
@pytest.mark.expect_log("qt", r"kiosk-test-critical")
def test_qt_warnings_and_criticals_reach_the_log_file(log_file):
    uninstall = qt_log.install()
    try:
        qWarning("kiosk-test-warning")
        qCritical("kiosk-test-critical")
    finally:
        uninstall()
    qWarning("kiosk-test-after-uninstall")
    text = log_file.read_text(encoding="utf-8")
    assert "WARNING qt: kiosk-test-warning" in text
    # A critical one says where the Python code was.
    assert "ERROR qt: kiosk-test-critical" in text
    assert "in test_qt_warnings_and_criticals_reach_the_log_file" in text
    assert "after-uninstall" not in text


def test_ready_goes_after_the_first_paint(qtbot, notify_socket):
    address, s = notify_socket
    widget = QWidget()
    qtbot.addWidget(widget)
    heartbeat = Heartbeat(Notifier(address), widget, status="log: x")
    qtbot.wait(0)  # nothing is shown yet, so nothing may have been sent
    assert drain(s) == []
    widget.show()
    received: list[str] = []
    qtbot.waitUntil(lambda: bool(received.extend(drain(s)) or received), timeout=WAIT_MS)
    assert received[0].startswith("READY=1\nMAINPID=")
    assert received[0].endswith("\nSTATUS=log: x")
    # No WatchdogSec in the unit: no pings.
    assert not heartbeat.timer.isActive()
    heartbeat.stop()
    assert drain(s) == ["STOPPING=1"]


def test_pings_come_from_the_ui_thread_and_stop_while_it_is_frozen(qtbot, window,
                                                                   notify_socket):
    address, s = notify_socket
    notifier = Notifier(address, watchdog_usec=100_000)  # a ping every 50 ms
    heartbeat = Heartbeat(notifier, window)
    window.update()
    received: list[str] = []

    def pings() -> int:
        received.extend(drain(s))
        return received.count("WATCHDOG=1")

    qtbot.waitUntil(lambda: pings() >= 3, timeout=WAIT_MS)
    assert received[0].startswith("READY=1")
    frozen: dict[str, list[str]] = {}

    def freeze() -> None:
        # A slot that hangs the UI thread for ten ping intervals, as a deadlock would.
        drain(s)
        threading.Event().wait(10 * 0.05)
        frozen["during"] = drain(s)

    QTimer.singleShot(0, window, freeze)
    qtbot.waitUntil(lambda: "during" in frozen, timeout=WAIT_MS)
    assert frozen["during"] == []
    # The loop turns again, and so do the pings.
    before = pings()
    qtbot.waitUntil(lambda: pings() > before, timeout=WAIT_MS)
    heartbeat.stop()
