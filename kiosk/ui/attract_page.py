"""The screen a passer-by sees: clinic name, a changing illustration, 'Touch to learn'.

A tap anywhere starts. The pictures change only while the page is on screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.content.model import Section
from kiosk.ui.access_buttons import AccessButtons
from kiosk.ui.flow_layout import FlowLayout
from kiosk.ui.illustration import Illustration
from kiosk.ui.logo import logo_pixmap
from kiosk.ui.theme import Metrics


class AttractPage(QWidget):
    started = Signal()

    def __init__(self, clinic_name: str, logo: Path, strings: Mapping[str, str],
                 metrics: Metrics, cycle_ms: int, access: AccessButtons,
                 parent: QWidget | None = None) -> None:
        """``cycle_ms`` 0 keeps one picture (reduced motion)."""
        super().__init__(parent)
        self.setObjectName("Page")
        self._pictures: list[tuple[Path, str]] = []
        self._index = 0
        self._timer = QTimer(self)
        self._timer.setInterval(max(cycle_ms, 1))
        self._cycles = cycle_ms > 0
        self._timer.timeout.connect(self.show_next_picture)

        self.logo = QLabel()
        # The logo stays its normal size at larger text, leaving the room to the words.
        side = 88
        self.logo.setPixmap(logo_pixmap(logo, side, self.devicePixelRatioF()))
        self.logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo.setAccessibleName(clinic_name)
        name = QLabel(clinic_name)
        name.setTextFormat(Qt.TextFormat.PlainText)
        name.setObjectName("ClinicName")
        name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        name.setWordWrap(True)
        # At larger text the title and buttons need the room; the name is in the header.
        # (Hide only: showing a label without a parent would open it as a window for a moment.)
        if metrics.percent != 100:
            name.hide()
        self.illustration = Illustration(None, "")
        # The picture gives way first when the words need the room (larger text).
        self.illustration.setMinimumSize(0, 0)
        title = QLabel(strings["attract_title"])
        title.setObjectName("AttractTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setWordWrap(True)
        subtitle = QLabel(strings["attract_subtitle"])
        subtitle.setObjectName("AttractSubtitle")
        subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subtitle.setWordWrap(True)
        self.start = QPushButton(strings["attract_button"])
        self.start.setObjectName("AttractStart")
        self.start.setMinimumWidth(metrics.button_height * 4)
        self.start.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.start.clicked.connect(self.started)

        layout = QVBoxLayout(self)
        bottom = metrics.margin * (2 if metrics.percent == 100 else 1)
        layout.setContentsMargins(metrics.margin * 2, metrics.margin, metrics.margin * 2, bottom)
        layout.setSpacing(metrics.margin // 2)
        layout.addWidget(self.logo)
        layout.addWidget(name)
        layout.addWidget(self.illustration, 1)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(metrics.margin // 2)
        layout.addWidget(self.start, 0, Qt.AlignmentFlag.AlignHCenter)
        # Language, text size and contrast, before anyone has to read a whole page.
        self.access = access
        access_host = QWidget()
        access_row = FlowLayout(access_host, spacing=metrics.margin // 2, align="centre")
        access_row.setContentsMargins(0, metrics.margin // 2, 0, 0)
        for button in access.buttons():
            access_row.addWidget(button)
        layout.addWidget(access_host)

    def set_sections(self, sections: tuple[Section, ...]) -> None:
        self._pictures = [(s.image, s.image_alt) for s in sections]
        self._index = -1
        self.show_next_picture()

    def show_next_picture(self) -> None:
        if not self._pictures:
            self.illustration.set_picture(None, "")
            return
        self._index = (self._index + 1) % len(self._pictures)
        self.illustration.set_picture(*self._pictures[self._index])

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        # The whole screen is one big button.
        if event.button() == Qt.MouseButton.LeftButton:
            self.started.emit()
        super().mouseReleaseEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        if self._cycles:
            self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)
