"""Privacy between patients: after a while without a touch, ask "Still there?", then reset.

The timer runs whenever the kiosk is not on its start screen; any touch or key restarts
it. When it runs out a notice counts down (at least 20 s) with a big "I'm still here"
button; if nobody taps it, ``expired`` fires and the window forgets everything.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.widgets.theme import Metrics

TICK_MS = 1000


class StillThere(QWidget):
    """The notice, drawn over the whole window (never a separate window or a dialog)."""

    stayTapped = Signal()

    def __init__(self, strings: Mapping[str, str], metrics: Metrics,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StillThere")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._strings = strings
        title = QLabel(strings["idle_title"])
        title.setObjectName("AttractTitle")
        self.countdown = QLabel()
        self.countdown.setObjectName("AttractSubtitle")
        self.stay = QPushButton(strings["idle_stay"])
        self.stay.setObjectName("Primary")
        self.stay.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stay.setMinimumSize(metrics.button_height * 6, metrics.button_height * 2)
        self.stay.clicked.connect(self.stayTapped)
        layout = QVBoxLayout(self)
        # The pages' side margins: in portrait the words ran to the screen's edges.
        layout.setContentsMargins(metrics.margin, metrics.margin // 2, metrics.margin,
                                  metrics.margin // 2)
        layout.addStretch(1)
        for label in (title, self.countdown):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addSpacing(metrics.margin)
        layout.addWidget(self.stay, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.hide()

    def show_seconds(self, seconds: int) -> None:
        self.countdown.setText(self._strings["idle_countdown"].format(seconds=seconds))

    def cover(self, area: QRect, seconds: int) -> None:
        """Put the notice up over ``area`` (the whole window), saying ``seconds``."""
        self.show_seconds(seconds)
        self.setGeometry(area)
        self.show()
        self.raise_()


class IdleGuard(QObject):
    warned = Signal()
    expired = Signal()

    def __init__(self, idle_ms: int, countdown_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = False
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setTimerType(Qt.TimerType.PreciseTimer)
        self._idle.setInterval(idle_ms)
        self._idle.timeout.connect(self.warn_now)
        self._countdown_ms = countdown_ms
        self._left_ms = 0
        self._tick = QTimer(self)
        self._tick.setInterval(min(TICK_MS, countdown_ms))
        self._tick.timeout.connect(self._count)

    @property
    def warning(self) -> bool:
        return self._tick.isActive()

    @property
    def seconds_left(self) -> int:
        return max(0, -(-self._left_ms // 1000))

    @property
    def idle_ms(self) -> int:
        """How long the current page waits for a touch before the notice."""
        return self._idle.interval()

    @property
    def waiting_ms(self) -> int:
        """How much of that wait is left; -1 when it is not running."""
        return self._idle.remainingTime()

    def set_idle_ms(self, idle_ms: int) -> None:
        self._idle.setInterval(idle_ms)
        if self._idle.isActive():
            self._idle.start()

    def note_activity(self) -> None:
        """A touch or key: restart the wait, unless the notice is up (only its button counts)."""
        if self.enabled and not self.warning:
            self._idle.start()

    def start(self) -> None:
        self.enabled = True
        self._tick.stop()
        self._idle.start()

    def stop(self) -> None:
        self.enabled = False
        self._idle.stop()
        self._tick.stop()

    def warn_now(self) -> None:
        """Put the notice up and start the countdown (the idle timer does this)."""
        self._left_ms = self._countdown_ms
        self._tick.start()
        self.warned.emit()

    def _count(self) -> None:
        self._left_ms -= self._tick.interval()
        if self._left_ms <= 0:
            self.stop()
            self.expired.emit()
        else:
            self.warned.emit()
