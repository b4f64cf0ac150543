"""The locked desk: the passphrase field, or on a desk without keys, the first set-up.

The passphrase is checked off the UI thread (the window runs it); while it runs the field
takes no input, so a try cannot be sent twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.security import PinResult


def refusal(strings: Mapping[str, str], result: PinResult) -> str:
    """What the desk says when a passphrase did not open it."""
    if result.cannot_record:
        return strings["desk_cannot_record"]
    if result.locked:
        until = datetime.now().timestamp() + result.wait_seconds
        return strings["desk_locked_out"].format(
            time=datetime.fromtimestamp(until).strftime("%H:%M"))
    wait = strings["desk_wait"].format(seconds=round(result.wait_seconds))
    if result.unchecked:
        return wait  # too soon: it was not looked at, so say nothing about right or wrong
    wrong = strings["desk_passphrase_wrong"]
    return f"{wrong} {wait}" if result.wait_seconds > 0 else wrong


def _password_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    field.setAccessibleName(placeholder)
    field.setMinimumWidth(420)
    return field


class UnlockView(QWidget):
    """Asks for the passphrase (``unlockRequested``), or twice for a new one on first run
    (``createRequested``)."""

    unlockRequested = Signal(str)
    createRequested = Signal(str)

    def __init__(self, strings: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeskLocked")
        self._strings = strings
        self._setup = False
        self.title = QLabel()
        self.title.setObjectName("DeskHeading")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.passphrase = _password_field(strings["desk_passphrase"])
        self.again = _password_field(strings["desk_setup_again"])
        self.button = QPushButton()
        self.button.setDefault(True)
        self.message = QLabel()
        self.message.setObjectName("DeskMessage")
        self.message.setWordWrap(True)
        self.passphrase.returnPressed.connect(self._submit)
        self.again.returnPressed.connect(self._submit)
        self.button.clicked.connect(self._submit)
        column = QVBoxLayout()
        for widget in (self.title, self.hint, self.passphrase, self.again, self.button,
                       self.message):
            column.addWidget(widget)
        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(640)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.show_unlock()

    @property
    def setting_up(self) -> bool:
        return self._setup

    def show_unlock(self, message: str = "") -> None:
        self._setup = False
        self.title.setText(self._strings["desk_locked_title"])
        self.hint.setText(self._strings["desk_locked_hint"])
        self.button.setText(self._strings["desk_unlock"])
        self.again.hide()
        self._reset(message)

    def show_setup(self, message: str = "") -> None:
        self._setup = True
        self.title.setText(self._strings["desk_setup_title"])
        self.hint.setText(self._strings["desk_setup_hint"])
        self.button.setText(self._strings["desk_setup_create"])
        self.again.show()
        self._reset(message)

    def _reset(self, message: str) -> None:
        self.passphrase.clear()
        self.again.clear()
        self.set_busy(False)
        self.message.setText(message)
        self.passphrase.setFocus()

    def set_busy(self, busy: bool) -> None:
        for widget in (self.passphrase, self.again, self.button):
            widget.setEnabled(not busy)
        if busy:
            self.message.setText(self._strings["desk_opening"])
        else:
            self.passphrase.setFocus()

    def refused(self, text: str) -> None:
        self.passphrase.clear()
        self.again.clear()
        self.set_busy(False)
        self.message.setText(text)

    def _submit(self) -> None:
        if not self.button.isEnabled():
            return
        typed = self.passphrase.text()
        if self._setup:
            if len(typed) < 8:
                self.refused(self._strings["desk_setup_weak"])
                return
            if typed != self.again.text():
                self.refused(self._strings["desk_setup_mismatch"])
                return
            self.set_busy(True)
            self.createRequested.emit(typed)
        elif typed:
            self.set_busy(True)
            self.unlockRequested.emit(typed)
