"""What a locked desk leaves for the next person at the computer: no name on the screen, in
the status line, or on the clipboard the desk itself filled."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from kiosk.ui.desk.signups_view import COLUMNS
from tests.ui.desk.conftest import WAIT_MS, make_signup, unlock

ANA = make_signup("Ana Canary-Peña", phone="+12025550143")


def _unlocked_with_ana(qtbot, make_desk, make_settings, kiosk):
    settings = make_settings()
    kiosk(settings).send(ANA)
    desk = make_desk(settings=settings)
    unlock(qtbot, desk)
    table = desk.window.signups.table
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=WAIT_MS)
    return desk


def test_a_lock_empties_the_clipboard_the_desk_filled(qtbot, make_desk, make_settings,
                                                      kiosk) -> None:
    desk = _unlocked_with_ana(qtbot, make_desk, make_settings, kiosk)
    table = desk.window.signups.table
    table.setFocus()
    table.setCurrentCell(0, COLUMNS.index("name"))
    clipboard = QGuiApplication.clipboard()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert "Canary" in clipboard.text()  # staff may copy a name into another program
    with qtbot.waitSignal(desk.window.locked, timeout=WAIT_MS):
        desk.window.lock("test")
    assert "Canary" not in clipboard.text()


def test_a_lock_leaves_what_another_program_copied(qtbot, make_desk, make_settings,
                                                   kiosk) -> None:
    desk = _unlocked_with_ana(qtbot, make_desk, make_settings, kiosk)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("from the scheduling system")
    with qtbot.waitSignal(desk.window.locked, timeout=WAIT_MS):
        desk.window.lock("test")
    # Not a patient's: left alone.
    assert clipboard.text() == "from the scheduling system"


def test_a_lock_clears_the_status_line(qtbot, make_desk, make_settings, kiosk,
                                       tmp_path: Path) -> None:
    desk = _unlocked_with_ana(qtbot, make_desk, make_settings, kiosk)
    qtbot.mouseClick(desk.window.signups.export, Qt.MouseButton.LeftButton)
    dialog = desk.window.findChild(QFileDialog, "DeskSaveCsv")
    target = tmp_path / "ana-canary-peña.csv"
    dialog.selectFile(str(target))
    dialog.accept()
    qtbot.waitUntil(target.exists, timeout=WAIT_MS)
    with qtbot.waitSignal(desk.window.locked, timeout=WAIT_MS):
        desk.window.lock("test")
    assert "canary" not in desk.window.statusBar().currentMessage().lower()


def test_a_lock_empties_a_search_or_part_of_a_note_copied(qtbot, make_desk, make_settings,
                                                          kiosk) -> None:
    desk = _unlocked_with_ana(qtbot, make_desk, make_settings, kiosk)
    search = desk.window.signups.search
    qtbot.keyClicks(search, "Canary-P")
    search.selectAll()
    search.copy()
    clipboard = QGuiApplication.clipboard()
    assert clipboard.text() == "Canary-P"
    with qtbot.waitSignal(desk.window.locked, timeout=WAIT_MS):
        desk.window.lock("test")
    assert clipboard.text() == ""
