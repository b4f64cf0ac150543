"""When the disk refuses a delete, a mark-contacted or a purge, the panel says which failed
(it said "Could not save the export", issue 14) and the entry is still listed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.signups.entry import Signup

from .conftest import PASSPHRASE, PIN, WAIT_MS


@pytest.fixture
def panel(make_window, make_settings):
    window = make_window(settings=make_settings(staff_hold_ms=100))
    window.services.signups.submit(Signup(
        name="Ana Ruiz", phone="+12025550143", email="", contact_time="morning", note="",
        consent_version="en-2026-11-1"))
    return window


def unlock(qtbot, window) -> None:
    with qtbot.waitSignal(window.staff_gesture.triggered, timeout=WAIT_MS):
        QTest.mousePress(window.attract.logo, Qt.MouseButton.LeftButton)
    QTest.mouseRelease(window.attract.logo, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.staff.checking.finished, timeout=WAIT_MS):
        window.staff.pin.type_pin(PIN)
    with qtbot.waitSignal(window.staff.checking.finished, timeout=WAIT_MS):
        window.staff.passphrase.edit.setText(PASSPHRASE)
        window.staff.passphrase.edit.returnPressed.emit()


@pytest.mark.expect_log("kiosk.signups.store", r"cannot (delete|mark|purge)")
@pytest.mark.expect_log("kiosk.ui.pages.staff.panel", r"staff action failed")
@pytest.mark.parametrize(("button", "taps", "message"), [
    ("delete", 2, "Could not delete this sign-up: "),
    ("contacted", 1, "Could not mark this sign-up as contacted: "),
    ("purge", 1, "Could not delete the old sign-ups: "),
])
def test_a_refused_change_says_what_failed(qtbot, panel, button, taps, message):
    unlock(qtbot, panel)
    signups = panel.staff.signups
    signups.list.setCurrentRow(0)
    # A real SQLITE_READONLY from SQLite itself, which chmod cannot give a root test run.
    panel.services.signups.store._conn.execute("PRAGMA query_only = ON")
    for _ in range(taps):
        qtbot.mouseClick(getattr(signups, button), Qt.MouseButton.LeftButton)
    assert signups.status.text().startswith(message)
    assert "export" not in signups.status.text().lower()
    assert signups.list.count() == 1
