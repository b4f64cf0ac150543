"""The screen a passer-by sees: clinic name, a changing illustration, 'Touch to learn'.

A tap anywhere starts. The pictures change only while the page is on screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QMouseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.content.model import URGENT_SLUG, Section
from kiosk.ui.widgets import icons
from kiosk.ui.widgets.access_buttons import AccessButtons
from kiosk.ui.widgets.flow_layout import FlowLayout
from kiosk.ui.widgets.illustration import Illustration
from kiosk.ui.widgets.logo import logo_pixmap
from kiosk.ui.widgets.theme import Metrics


class UrgentButton(QPushButton):
    """The way to the urgent page: a warning sign and its title, which wraps at larger text
    instead of being cut off."""

    def __init__(self, colour: str, sign_px: int, min_height: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Urgent")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        sign = QLabel()
        sign.setFixedSize(sign_px, sign_px)
        sign.setPixmap(icons.warning(colour, sign_px, 2.0).pixmap(QSize(sign_px, sign_px), 2.0))
        self.label = QLabel()
        self.label.setObjectName("UrgentText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        for label in (sign, self.label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 8, 24, 8)
        row.setSpacing(16)
        row.addWidget(sign)
        row.addWidget(self.label, 1)
        self._min_height = min_height
        self._sign_px = sign_px
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_title(self, title: str) -> None:
        self.label.setText(title)
        self.setAccessibleName(title)

    def sizeHint(self) -> QSize:
        # On one line where there is room (a word-wrapped label asks for less than that).
        layout = self.layout()
        if layout is None:
            return QSize(self._min_height * 2, self._min_height)
        margins = layout.contentsMargins()
        self.label.ensurePolished()
        words = self.label.fontMetrics().horizontalAdvance(self.label.text()) + 2
        width = (margins.left() + margins.right() + self._sign_px + layout.spacing() + words
                 + 12)  # the border on both sides
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._min_height * 2, self._min_height)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        needed = layout.totalHeightForWidth(width) if layout is not None else 0
        return max(needed, self._min_height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.setMinimumHeight(self.heightForWidth(self.width()))
        layout = self.layout()
        if layout is not None:
            # A button does not re-run its own layout when it grows taller: the words would
            # stay at the old height.
            layout.setGeometry(self.rect())


class AttractPage(QWidget):
    started = Signal()
    # The urgent page ("When to get help right away"), one tap from the start.
    urgentTapped = Signal()

    def __init__(self, clinic_name: str, logo: Path, strings: Mapping[str, str],
                 metrics: Metrics, cycle_ms: int, access: AccessButtons,
                 parent: QWidget | None = None, urgent_colour: str = "#8E1F24") -> None:
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
        # Someone with a warning sign should not have to page through the tour to find out
        # what to do: a button of its own, set apart by shape, border and sign, not colour only.
        self.urgent = UrgentButton(urgent_colour, round(metrics.button_px * 1.2),
                                   metrics.button_height)
        self.urgent.clicked.connect(self.urgentTapped)
        access.more.setParent(self)
        access.more.hide()  # the start screen has the room to show all three

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
        # Start and the urgent page side by side where they fit (landscape), else stacked.
        buttons_host = QWidget()
        buttons = FlowLayout(buttons_host, spacing=metrics.margin // 2, align="centre")
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.start)
        buttons.addWidget(self.urgent)
        layout.addWidget(buttons_host)
        # Language, text size and contrast, before anyone has to read a whole page.
        self.access = access
        access_host = QWidget()
        access_row = FlowLayout(access_host, spacing=metrics.margin // 2, align="centre")
        access_row.setContentsMargins(0, metrics.margin // 2, 0, 0)
        for button in access.buttons():
            access_row.addWidget(button)
        layout.addWidget(access_host)

    def set_sections(self, sections: tuple[Section, ...]) -> None:
        urgent = next((s for s in sections if s.slug == URGENT_SLUG), None)
        self.urgent.set_title(urgent.title if urgent else "")
        self.urgent.setVisible(urgent is not None)
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
