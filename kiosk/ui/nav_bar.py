"""Bottom bar on every section: Back, where you are (dots and 'Page 3 of 11'), Next."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.config import Theme
from kiosk.ui.progress_dots import ProgressDots
from kiosk.ui.theme import Metrics


class NavBar(QWidget):
    backTapped = Signal()
    nextTapped = Signal()
    pageTapped = Signal(int)

    def __init__(self, strings: Mapping[str, str], theme: Theme, metrics: Metrics,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NavBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._strings = strings
        self._total = 0
        self.back = QPushButton(f"‹  {strings['back']}")
        self.back.setAccessibleName(strings["back"])
        self.next = QPushButton(f"{strings['next']}  ›")
        self.next.setAccessibleName(strings["next"])
        self.next.setObjectName("Primary")
        for button in (self.back, self.next):
            button.setMinimumWidth(metrics.button_height * 2)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.dots = ProgressDots(metrics.dot_size, (theme.primary, theme.muted_text))
        self.count = QLabel()
        self.count.setObjectName("PageCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)

        middle = QVBoxLayout()
        middle.setSpacing(0)
        middle.addWidget(self.dots, 0, Qt.AlignmentFlag.AlignHCenter)
        middle.addWidget(self.count)

        row = QHBoxLayout(self)
        row.setContentsMargins(metrics.margin, metrics.margin // 3,
                               metrics.margin, metrics.margin // 3)
        row.setSpacing(metrics.margin // 2)
        row.addWidget(self.back)
        row.addLayout(middle, 1)
        row.addWidget(self.next)

        self.back.clicked.connect(self.backTapped)
        self.next.clicked.connect(self.nextTapped)
        self.dots.dotTapped.connect(self.pageTapped)

    def set_pages(self, titles: list[str]) -> None:
        self._total = len(titles)
        self.dots.set_pages(titles, self._strings["page_of"])

    def set_current(self, index: int) -> None:
        self.dots.set_current(index)
        self.count.setText(self._strings["page_of"].format(current=index + 1, total=self._total))
        # After the last section comes the sign-up form.
        last = index >= self._total - 1
        label = self._strings["signup_next"] if last else self._strings["next"]
        self.next.setText(f"{label}  ›")
        self.next.setAccessibleName(label)
