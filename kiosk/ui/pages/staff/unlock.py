"""The first two steps into the staff panel: the PIN pad and the passphrase page.

Both use the kiosk's own keys (the passphrase field opens the on-screen keyboard), never a
system dialog. While a try is being checked (on a worker thread, see ui/services/off_thread.py) the
page says "Opening…" and takes no more input, so a try cannot be typed twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.security import PinResult
from kiosk.ui.widgets.keyboard import TEXT
from kiosk.ui.widgets.theme import Metrics


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


def show_message(label: QLabel, text: str, *, busy: bool = False) -> None:
    """A refusal in the error style; "Opening…" in the quiet hint style, not in red."""
    name = "Hint" if busy else "FieldError"
    if label.objectName() != name:
        label.setObjectName(name)
        label.style().unpolish(label)
        label.style().polish(label)
    label.setText(text)


def refusal(strings: Mapping[str, str], result: PinResult, wrong: str) -> str:
    """What the page says when a PIN or passphrase did not open the panel."""
    if result.cannot_record:
        return strings["staff_pin_cannot_record"]
    if result.locked:
        until = datetime.now().timestamp() + result.wait_seconds
        return strings["staff_pin_locked"].format(
            time=datetime.fromtimestamp(until).strftime("%H:%M"))
    wait = strings["staff_pin_wait"].format(seconds=round(result.wait_seconds))
    if result.unchecked:
        return wait  # too soon: it was not looked at, so say nothing about right or wrong
    return wrong + " " + wait if result.wait_seconds > 0 else wrong


class PinPad(QWidget):
    entered = Signal(str)
    cancelled = Signal()

    def __init__(self, strings: Mapping[str, str], metrics: Metrics,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._pin = ""
        self._strings = strings
        self.title = staff_label(strings["staff_pin_title"], "PageTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # How many digits are typed, never which: dots on screen, a count for screen readers.
        self.dots = staff_label("", "PinDots")
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dots.setAccessibleName(strings["staff_pin_typed"].format(count=0))
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
        # The keys stay a compact block; the title is not held to their width (it wrapped as
        # "Personal: escriba su / PIN").
        keys = QWidget()
        keys.setLayout(grid)
        grid.setContentsMargins(0, 0, 0, 0)
        keys.setMaximumWidth(metrics.button_height * 9)
        self._column = layout
        layout.addWidget(keys, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(cancel, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

    def sizeHint(self) -> QSize:
        """Wide enough for the title on one line: the panel centres the pad at this width
        (and gives it less, down to the keys' width, on a narrower screen)."""
        hint = super().sizeHint()
        self.title.ensurePolished()
        margins = self.contentsMargins()
        inner = self._column.contentsMargins()
        one_line = (self.title.fontMetrics().horizontalAdvance(self.title.text()) + 4
                    + margins.left() + margins.right() + inner.left() + inner.right())
        return QSize(max(hint.width(), one_line), hint.height())

    def _press(self, text: str) -> None:
        if text == "⌫":
            self._pin = self._pin[:-1]
        elif text == self._ok:
            pin, self._pin = self._pin, ""
            self.entered.emit(pin)
        elif len(self._pin) < 12:
            self._pin += text
        self._show_count()

    def _show_count(self) -> None:
        self.dots.setText("●" * len(self._pin))
        self.dots.setAccessibleName(self._strings["staff_pin_typed"].format(count=len(self._pin)))

    def set_busy(self, busy: bool) -> None:
        """While a PIN is being checked: "Opening…", and no key takes a tap."""
        for button in self.keys.values():
            button.setEnabled(not busy)
        if busy:
            show_message(self.message, self._strings["staff_opening"], busy=True)
        elif self.message.text() == self._strings["staff_opening"]:
            show_message(self.message, "")

    def type_pin(self, pin: str) -> None:
        for digit in pin:
            self.keys[digit].click()
        self.keys[self._ok].click()

    def cancel(self) -> None:
        self.reset()
        self.cancelled.emit()

    def reset(self, message: str = "") -> None:
        self._pin = ""
        self._show_count()
        show_message(self.message, message)


class PassphrasePage(QWidget):
    entered = Signal(str)
    cancelled = Signal()
    fieldFocused = Signal(object, str)

    def __init__(self, strings: Mapping[str, str], metrics: Metrics,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._strings = strings
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.edit.setMinimumHeight(metrics.button_height)
        self.edit.setAccessibleName(strings["staff_passphrase_title"])
        self.edit.returnPressed.connect(self._submit)
        self.edit.installEventFilter(self)
        self.message = staff_label("", "FieldError")
        self.ok = staff_button(strings["staff_unlock"], metrics, primary=True)
        self.ok.clicked.connect(self._submit)
        cancel = staff_button(strings["staff_cancel"], metrics)
        cancel.clicked.connect(self.cancelled)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(metrics.margin, metrics.margin, metrics.margin, metrics.margin)
        layout.addWidget(staff_label(strings["staff_passphrase_title"], "PageTitle"))
        layout.addWidget(self.edit)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def _submit(self) -> None:
        if not self.edit.isEnabled():
            return  # the last try is still being checked
        text = self.edit.text()
        self.edit.clear()
        self.entered.emit(text)

    def set_busy(self, busy: bool) -> None:
        """While the passphrase is being checked: "Opening…", and no second try."""
        self.edit.setEnabled(not busy)
        self.ok.setEnabled(not busy)
        if busy:
            show_message(self.message, self._strings["staff_opening"], busy=True)
        elif self.message.text() == self._strings["staff_opening"]:
            show_message(self.message, "")

    def reset(self, message: str = "") -> None:
        self.edit.clear()
        show_message(self.message, message)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.FocusIn:
            self.fieldFocused.emit(self.edit, TEXT)
        return False
