"""A calm full-page message with at most one big button: thank you, ask at the desk, updating."""

from __future__ import annotations

import math
from collections.abc import Mapping

from PySide6.QtCore import QDeadlineTimer, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.pages.signup.spoken_names import spoken
from kiosk.ui.widgets.qr_code import QrCode
from kiosk.ui.widgets.theme import Metrics


class MessagePage(QWidget):
    buttonTapped = Signal()

    def __init__(self, metrics: Metrics, body: str, *, title: str = "", button: str = "",
                 primary: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        layout = QVBoxLayout(self)
        self._layout = layout
        layout.setContentsMargins(metrics.margin * 2, metrics.margin, metrics.margin * 2,
                                  metrics.margin)
        layout.addStretch(1)
        for text, name in ((title, "AttractTitle"), (body, "AttractSubtitle")):
            if not text:
                continue
            label = QLabel(text)
            label.setObjectName(name)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.button: QPushButton | None = None
        if button:
            self.button = QPushButton(button)
            self.button.setAccessibleName(spoken(button))  # "‹  Back" is read as "Back"
            if primary:
                self.button.setObjectName("Primary")
            self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.button.setMinimumWidth(metrics.button_height * 4)
            self.button.clicked.connect(self.buttonTapped)
            layout.addSpacing(metrics.margin)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)


class ThanksPage(MessagePage):
    """Thank you, with "Start again now" and the seconds left before the start screen shows
    by itself, so nobody is surprised by the page going away (or waits for it to)."""

    def __init__(self, metrics: Metrics, strings: Mapping[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(metrics, strings["thanks_body"], title=strings["thanks_title"],
                         button=strings["thanks_button"], parent=parent)
        self._strings = strings
        self._margin = metrics.margin
        self._sides: QBoxLayout | None = None
        self._code: QrCode | None = None
        self.countdown = QLabel()
        self.countdown.setObjectName("Hint")
        self.countdown.setWordWrap(True)
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.insertSpacing(self._layout.count() - 1, metrics.margin // 2)
        self._layout.insertWidget(self._layout.count() - 1, self.countdown)
        self._deadline = QDeadlineTimer(0)
        self._tick = QTimer(self)
        self._tick.setSingleShot(True)
        self._tick.timeout.connect(self._update)

    def add_take_home(self, code: QrCode) -> None:
        """The clinic's contact card as a QR code (ui/widgets/qr_code.py): beside the
        message on a landscape screen (under it, 200% text pushed the code and the words off
        the screen), under it in portrait. The message moves into a column of its own."""
        column = QWidget()
        moved = QVBoxLayout(column)
        moved.setContentsMargins(0, 0, 0, 0)
        while (item := self._layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                moved.addWidget(widget, 0, item.alignment())
            else:
                moved.addItem(item)
        self._code = code
        # The message needs all the room it can get beside the code at 200% text.
        self._layout.setContentsMargins(self._margin, self._margin // 2, self._margin,
                                        self._margin // 2)
        self._sides = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._sides.setSpacing(self._margin)
        self._sides.addWidget(column, 1)
        self._sides.addWidget(code, 0, Qt.AlignmentFlag.AlignCenter)
        self._layout.addLayout(self._sides)
        self._place_code(self.width(), self.height())

    def _place_code(self, width: int, height: int) -> None:
        if self._sides is None or self._code is None:
            return
        portrait = height > width
        self._sides.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                                 else QBoxLayout.Direction.LeftToRight)
        # Beside the message, a narrow column: the words under the code; under it, beside.
        self._code.set_stacked(not portrait)
        self._layout.activate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._place_code(event.size().width(), event.size().height())
        super().resizeEvent(event)

    def start_countdown(self, ms: int) -> None:
        """Count down ``ms`` (the window's own timer goes back to the start)."""
        self._deadline = QDeadlineTimer(ms)
        self._update()

    def seconds_left(self) -> int:
        return math.ceil(self._deadline.remainingTime() / 1000)

    def _update(self) -> None:
        left_ms = self._deadline.remainingTime()
        seconds = max(1, math.ceil(left_ms / 1000))
        key = "thanks_countdown_one" if seconds == 1 else "thanks_countdown_other"
        self.countdown.setText(self._strings[key].format(count=seconds))
        if left_ms > 0:
            # Next tick when the whole seconds left change, not a second after this one.
            self._tick.start(left_ms - (seconds - 1) * 1000)

    def hideEvent(self, event: QHideEvent) -> None:
        self._tick.stop()
        super().hideEvent(event)
