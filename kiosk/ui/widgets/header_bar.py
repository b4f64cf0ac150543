"""Top bar on every patient page: the clinic's logo, language, text size and contrast,
'All topics' and 'Home'.

At normal text everything is one row. At larger text the three reading buttons fold into one
"Aa" button that opens them on a row of their own, so the bar stays one row high and the
words of the page keep the room. Any row still too narrow wraps, so no label is cut off.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.widgets.access_buttons import AccessButtons
from kiosk.ui.widgets.flow_layout import FlowLayout
from kiosk.ui.widgets.logo import logo_pixmap
from kiosk.ui.widgets.theme import Metrics


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
        self.folded = metrics.percent > 100
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
        outer = QVBoxLayout(self)
        outer.setContentsMargins(metrics.margin, metrics.margin // 4,
                                 metrics.margin, metrics.margin // 4)
        outer.setSpacing(metrics.margin // 4)
        row = QHBoxLayout()
        row.setSpacing(metrics.margin // 2)
        row.addWidget(self.logo, 0, Qt.AlignmentFlag.AlignTop)
        buttons = FlowLayout(spacing=metrics.margin // 2, align="right")
        self.options = QWidget()
        if self.folded:
            buttons.addWidget(access.more)
            options_row = FlowLayout(self.options, spacing=metrics.margin // 2, align="right")
            options_row.setContentsMargins(0, 0, 0, 0)
            for widget in access.buttons():
                options_row.addWidget(widget)
            access.more.toggled.connect(self.options.setVisible)
        else:
            access.more.setParent(self)
            access.more.hide()
            for widget in access.buttons():
                buttons.addWidget(widget)
        for widget in (self.topics, self.home):
            buttons.addWidget(widget)
        row.addLayout(buttons, 1)
        outer.addLayout(row)
        outer.addWidget(self.options)
        # Hide only: a widget shown before it has a parent opens as a window for a moment.
        self.options.hide()

        self.topics.clicked.connect(self.topicsTapped)
        self.home.clicked.connect(self.homeTapped)

    def close_options(self) -> None:
        """Fold the reading buttons away again (the patient moved on to another page)."""
        self.access.more.setChecked(False)

    def show_navigation(self, visible: bool) -> None:
        """'All topics' and 'Home' make no sense where there is nowhere to go."""
        self.topics.setVisible(visible)
        self.home.setVisible(visible)
