"""A calm full-page message with at most one big button: thank you, ask at the desk, updating."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.theme import Metrics


class MessagePage(QWidget):
    buttonTapped = Signal()

    def __init__(self, metrics: Metrics, body: str, *, title: str = "", button: str = "",
                 primary: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        layout = QVBoxLayout(self)
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
            if primary:
                self.button.setObjectName("Primary")
            self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.button.setMinimumWidth(metrics.button_height * 4)
            self.button.clicked.connect(self.buttonTapped)
            layout.addSpacing(metrics.margin)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
