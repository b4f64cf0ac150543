"""Bottom bar on every section: Back, where you are (dots and 'Page 3 of 11'), Next."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

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

        self.progress = QWidget()
        middle = QVBoxLayout(self.progress)
        middle.setContentsMargins(0, 0, 0, 0)
        middle.setSpacing(0)
        middle.addWidget(self.dots, 0, Qt.AlignmentFlag.AlignHCenter)
        middle.addWidget(self.count)

        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(metrics.margin, metrics.margin // 3,
                                      metrics.margin, metrics.margin // 3)
        self._grid.setSpacing(metrics.margin // 2)
        self._grid.setColumnStretch(1, 1)
        self._rows = 0
        self._place(1)

        self.back.clicked.connect(self.backTapped)
        self.next.clicked.connect(self.nextTapped)
        self.dots.dotTapped.connect(self.pageTapped)

    @property
    def stacked(self) -> bool:
        """True when the dots sit above the buttons because one row is too narrow."""
        return self._rows > 1

    def _place(self, rows: int) -> None:
        """1: Back, dots, Next. 2: dots above Back and Next. 3: dots, Next, Back (large text)."""
        for widget in (self.back, self.progress, self.next):
            self._grid.removeWidget(widget)
        left, right = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight
        if rows == 1:
            self._grid.addWidget(self.back, 0, 0)
            self._grid.addWidget(self.progress, 0, 1)
            self._grid.addWidget(self.next, 0, 2)
        else:
            self._grid.addWidget(self.progress, 0, 0, 1, 3)
            if rows == 2:
                self._grid.addWidget(self.back, 1, 0)
                self._grid.addWidget(self.next, 1, 2)
            else:
                self._grid.addWidget(self.next, 1, 0, 1, 3, right)
                self._grid.addWidget(self.back, 2, 0, 1, 3, left)
        self._rows = rows

    def _width_of(self, widgets: tuple[QWidget, ...]) -> int:
        margins = self._grid.contentsMargins()
        return (sum(w.sizeHint().width() for w in widgets)
                + (len(widgets) - 1) * self._grid.spacing() + margins.left() + margins.right())

    def _arrange(self) -> None:
        if self.width() >= self._width_of((self.back, self.progress, self.next)):
            rows = 1
        elif self.width() >= self._width_of((self.back, self.next)):
            rows = 2
        else:
            rows = 3
        if rows != self._rows:
            self._place(rows)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

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
        self._arrange()
