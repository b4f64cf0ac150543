"""Top bar on every section: the clinic's logo and name, 'All topics' and 'Home'."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from kiosk.ui import pictures
from kiosk.ui.theme import Metrics


class HeaderBar(QWidget):
    topicsTapped = Signal()
    homeTapped = Signal()

    def __init__(self, clinic_name: str, logo: Path, strings: Mapping[str, str],
                 metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("HeaderBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.logo = QLabel()
        side = metrics.button_height
        self.logo.setFixedSize(side, side)
        self.logo.setPixmap(pictures.render(logo, QSize(side, side), self.devicePixelRatioF()))
        self.logo.setAccessibleName(clinic_name)
        self.name = QLabel(clinic_name)
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setObjectName("ClinicName")
        self.name.setWordWrap(True)
        self.name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.topics = QPushButton(strings["all_topics"])
        self.home = QPushButton(strings["home"])
        for button in (self.topics, self.home):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        row = QHBoxLayout(self)
        row.setContentsMargins(metrics.margin, metrics.margin // 4,
                               metrics.margin, metrics.margin // 4)
        row.setSpacing(metrics.margin // 2)
        row.addWidget(self.logo)
        row.addWidget(self.name, 1)
        row.addWidget(self.topics)
        row.addWidget(self.home)

        self.topics.clicked.connect(self.topicsTapped)
        self.home.clicked.connect(self.homeTapped)
