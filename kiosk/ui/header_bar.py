"""Top bar on every patient page: the clinic's logo, language, text size and contrast,
'All topics' and 'Home'. Its buttons wrap onto a second row when one row is too narrow
(portrait, larger text), so no label is ever cut off.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from kiosk.ui.access_buttons import AccessButtons
from kiosk.ui.flow_layout import FlowLayout
from kiosk.ui.logo import logo_pixmap
from kiosk.ui.theme import Metrics


class HeaderBar(QWidget):
    topicsTapped = Signal()
    homeTapped = Signal()

    def __init__(self, clinic_name: str, logo: Path, strings: Mapping[str, str],
                 metrics: Metrics, access: AccessButtons,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("HeaderBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.access = access
        self.logo = QLabel()
        side = 88  # the logo keeps its size at larger text; the words get the room
        self.logo.setFixedSize(side, side)
        self.logo.setPixmap(logo_pixmap(logo, side, self.devicePixelRatioF()))
        self.logo.setAccessibleName(clinic_name)
        self.topics = QPushButton(strings["all_topics"])
        self.home = QPushButton(strings["home"])
        for button in (self.topics, self.home):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        # Logo on the left; the buttons on the right, Home last (top right in landscape).
        row = QHBoxLayout(self)
        row.setContentsMargins(metrics.margin, metrics.margin // 4,
                               metrics.margin, metrics.margin // 4)
        row.setSpacing(metrics.margin // 2)
        row.addWidget(self.logo, 0, Qt.AlignmentFlag.AlignTop)
        buttons = FlowLayout(spacing=metrics.margin // 2, align="right")
        for widget in (*access.buttons(), self.topics, self.home):
            buttons.addWidget(widget)
        row.addLayout(buttons, 1)

        self.topics.clicked.connect(self.topicsTapped)
        self.home.clicked.connect(self.homeTapped)

    def show_navigation(self, visible: bool) -> None:
        """'All topics' and 'Home' make no sense where there is nowhere to go."""
        self.topics.setVisible(visible)
        self.home.setVisible(visible)
