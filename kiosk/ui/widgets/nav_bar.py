"""Bottom bar on every section: Back, where you are (dots and 'Page 3 of 11'), Next.

The bar keeps one shape on every section: Next is as wide as its longest label ("Ask us to
contact you" on the last page), so nothing moves or wraps when the label changes.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLayout, QPushButton, QWidget

from kiosk.config import Theme
from kiosk.ui.widgets.progress_dots import ProgressDots
from kiosk.ui.widgets.theme import Metrics


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
            button.setMinimumWidth(metrics.chrome_height * 2)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._next_labels = [f"{strings[key]}  ›" for key in ("next", "signup_next")]
        self.dots = ProgressDots(metrics.dot_size, (theme.primary, theme.muted_text))
        self.count = QLabel()
        self.count.setObjectName("PageCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.progress = QWidget()
        # Dots and "Page 3 of 11" side by side: one row less for the bar, one more for text.
        middle = QHBoxLayout(self.progress)
        middle.setContentsMargins(0, 0, 0, 0)
        middle.setSpacing(metrics.margin // 2)
        middle.addStretch(1)
        middle.addWidget(self.dots)
        middle.addWidget(self.count)
        middle.addStretch(1)

        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(metrics.margin, metrics.margin // 3,
                                      metrics.margin, metrics.margin // 3)
        self._grid.setVerticalSpacing(metrics.margin // 2)
        # Narrow gaps across: Back and Next fit one row in portrait at larger text.
        self._grid.setHorizontalSpacing(metrics.margin // 4)
        self._grid.setColumnStretch(1, 1)
        # The bar may always be as narrow as its one-per-row shape: the shape it has now must
        # not hold the window wider than the screen (it rearranges when resized).
        self._grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._rows = 0
        self._shape = ""
        self._place("row")

        self.back.clicked.connect(self.backTapped)
        self.next.clicked.connect(self.nextTapped)
        self.dots.dotTapped.connect(self.pageTapped)

    @property
    def stacked(self) -> bool:
        """True when the bar takes more than one row because one row is too narrow."""
        return self._rows > 1

    def _place(self, shape: str) -> None:
        """"row": Back, dots, Next. "split": dots above Back and Next. "next-below": Back and
        dots above Next. "column": dots, Next, Back, one per row (large text, narrow screen)."""
        for widget in (self.back, self.progress, self.next):
            self._grid.removeWidget(widget)
        left, right = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight
        if shape == "row":
            self._grid.addWidget(self.back, 0, 0, left)
            self._grid.addWidget(self.progress, 0, 1)
            self._grid.addWidget(self.next, 0, 2, right)
        elif shape == "split":
            self._grid.addWidget(self.progress, 0, 0, 1, 3)
            self._grid.addWidget(self.back, 1, 0, left)
            self._grid.addWidget(self.next, 1, 2, right)
        elif shape == "next-below":
            self._grid.addWidget(self.back, 0, 0, left)
            self._grid.addWidget(self.progress, 0, 1, 1, 2)
            self._grid.addWidget(self.next, 1, 0, 1, 3, right)
        else:
            self._grid.addWidget(self.progress, 0, 0, 1, 3)
            self._grid.addWidget(self.next, 1, 0, 1, 3, right)
            self._grid.addWidget(self.back, 2, 0, 1, 3, left)
        self._shape = shape
        self._rows = {"row": 1, "split": 2, "next-below": 2}.get(shape, 3)

    def _next_width(self) -> int:
        """The width Next needs for the longer of its two labels."""
        shown = self.next.text()
        widths = []
        for label in self._next_labels:
            self.next.setText(label)
            widths.append(self.next.sizeHint().width())
        self.next.setText(shown)
        return max(widths)

    def _width_of(self, widgets: tuple[QWidget, ...]) -> int:
        margins = self._grid.contentsMargins()
        width: dict[QWidget, int] = {self.next: self.next.minimumWidth()}
        # The grid has three columns whatever the shape, so two gaps (Back and Next alone
        # still have the empty middle column between them).
        return (sum(width.get(w, w.sizeHint().width()) for w in widgets)
                + 2 * self._grid.horizontalSpacing() + margins.left() + margins.right())

    def _arrange(self) -> None:
        # Next is always as wide as its longest label, so the bar has one shape on every
        # section and nothing jumps on the last one.
        needed = self._next_width()
        if self.next.minimumWidth() != needed:
            self.next.setMinimumWidth(needed)
        if self.width() >= self._width_of((self.back, self.progress, self.next)):
            shape = "row"
        elif self.width() >= self._width_of((self.back, self.next)):
            shape = "split"
        elif self.width() >= self._width_of((self.back, self.progress)):
            shape = "next-below"
        else:
            shape = "column"
        if shape != self._shape:
            self._place(shape)

    def minimumSizeHint(self) -> QSize:
        margins = self._grid.contentsMargins()
        narrowest = max(self.back.minimumSizeHint().width(), self.next.minimumWidth(),
                        self.progress.minimumSizeHint().width())
        return QSize(narrowest + margins.left() + margins.right(),
                     self._grid.minimumSize().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def set_pages(self, titles: list[str]) -> None:
        self._total = len(titles)
        self.dots.set_pages(titles, self._strings["page_of"])
        # As wide as its widest text, so the dots do not shift between page 9 and page 10.
        self.count.ensurePolished()
        widest = self._strings["page_of"].format(current=self._total, total=self._total)
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance(widest) + 8)

    def set_current(self, index: int) -> None:
        self.dots.set_current(index)
        self.count.setText(self._strings["page_of"].format(current=index + 1, total=self._total))
        # After the last section comes the sign-up form.
        last = index >= self._total - 1
        label = self._strings["signup_next"] if last else self._strings["next"]
        self.next.setText(f"{label}  ›")
        self.next.setAccessibleName(label)
        # The first time with the window's style (and so the real sizes of the words).
        self._arrange()
