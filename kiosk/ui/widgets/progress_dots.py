"""A row of dots, one per page, that shows where the patient is; tapping a dot goes there."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractButton, QHBoxLayout, QWidget

# Beyond this many pages the dots would not fit a portrait screen; the page count remains.
MAX_DOTS = 14


class Dot(QAbstractButton):
    def __init__(self, index: int, size: int, colours: tuple[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self._size = size
        self._on, self._off = (QColor(c) for c in colours)
        self.setCheckable(True)
        self.setFixedSize(size, size)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        return QSize(self._size, self._size)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._on if self.isChecked() else self._off)
        radius = self._size * (0.3 if self.isChecked() else 0.2)
        centre = self.rect().center()
        painter.drawEllipse(centre, radius, radius)


class ProgressDots(QWidget):
    dotTapped = Signal(int)

    def __init__(self, dot_size: int, colours: tuple[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dot_size = dot_size
        self._colours = colours
        self._dots: list[Dot] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)

    @property
    def dots(self) -> list[Dot]:
        return list(self._dots)

    def set_pages(self, titles: list[str], page_label: str) -> None:
        for dot in self._dots:
            dot.deleteLater()
        self._dots = []
        if len(titles) > MAX_DOTS:
            return
        for index, title in enumerate(titles):
            dot = Dot(index, self._dot_size, self._colours, self)
            dot.setAccessibleName(
                page_label.format(current=index + 1, total=len(titles)) + f": {title}")
            dot.clicked.connect(lambda _checked=False, i=index: self.dotTapped.emit(i))
            self._layout.addWidget(dot)
            self._dots.append(dot)

    def set_current(self, index: int) -> None:
        for dot in self._dots:
            dot.setChecked(dot.index == index)
