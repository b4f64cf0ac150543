"""The first two steps into the staff panel: the PIN pad and the passphrase page.

Both use the kiosk's own keys (the passphrase field opens the on-screen keyboard), never a
system dialog.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.keyboard import TEXT
from kiosk.ui.theme import Metrics


def staff_button(text: str, metrics: Metrics, primary: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setMinimumHeight(metrics.button_height)
    if primary:
        button.setObjectName("Primary")
    return button


def staff_label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class PinPad(QWidget):
    entered = Signal(str)
    cancelled = Signal()

    def __init__(self, strings: Mapping[str, str], metrics: Metrics,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._pin = ""
        self.title = staff_label(strings["staff_pin_title"], "PageTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dots = staff_label("", "PinDots")
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = staff_label("", "FieldError")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.keys: dict[str, QPushButton] = {}
        labels = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", strings["staff_ok"]]
        for index, text in enumerate(labels):
            button = staff_button(text, metrics, primary=text == strings["staff_ok"])
            button.setMinimumSize(metrics.button_height * 2, metrics.button_height)
            button.clicked.connect(lambda _c=False, t=text: self._press(t))
            grid.addWidget(button, index // 3, index % 3)
            self.keys[text] = button
        self._ok = strings["staff_ok"]
        cancel = staff_button(strings["staff_cancel"], metrics)
        cancel.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.dots)
        layout.addWidget(self.message)
        layout.addLayout(grid)
        layout.addWidget(cancel, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.setMaximumWidth(metrics.button_height * 9)

    def _press(self, text: str) -> None:
        if text == "⌫":
            self._pin = self._pin[:-1]
        elif text == self._ok:
            pin, self._pin = self._pin, ""
            self.entered.emit(pin)
        elif len(self._pin) < 12:
            self._pin += text
        self.dots.setText("●" * len(self._pin))

    def type_pin(self, pin: str) -> None:
        for digit in pin:
            self.keys[digit].click()
        self.keys[self._ok].click()

    def cancel(self) -> None:
        self.reset()
        self.cancelled.emit()

    def reset(self, message: str = "") -> None:
        self._pin = ""
        self.dots.setText("")
        self.message.setText(message)


class PassphrasePage(QWidget):
    entered = Signal(str)
    cancelled = Signal()
    fieldFocused = Signal(object, str)

    def __init__(self, strings: Mapping[str, str], metrics: Metrics,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.edit.setMinimumHeight(metrics.button_height)
        self.edit.setAccessibleName(strings["staff_passphrase_title"])
        self.edit.returnPressed.connect(self._submit)
        self.edit.installEventFilter(self)
        self.message = staff_label("", "FieldError")
        ok = staff_button(strings["staff_unlock"], metrics, primary=True)
        ok.clicked.connect(self._submit)
        cancel = staff_button(strings["staff_cancel"], metrics)
        cancel.clicked.connect(self.cancelled)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(metrics.margin, metrics.margin, metrics.margin, metrics.margin)
        layout.addWidget(staff_label(strings["staff_passphrase_title"], "PageTitle"))
        layout.addWidget(self.edit)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def _submit(self) -> None:
        text = self.edit.text()
        self.edit.clear()
        self.entered.emit(text)

    def reset(self, message: str = "") -> None:
        self.edit.clear()
        self.message.setText(message)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.FocusIn:
            self.fieldFocused.emit(self.edit, TEXT)
        return False
