"""A layout that places widgets in a row and wraps onto the next row when they do not fit.

Qt's own "Flow Layout" example, trimmed: the header's buttons wrap onto a second row in
portrait or at larger text instead of being squeezed until their words are cut off.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 0,
                 align: str = "left") -> None:
        """``align``: where each row sits, "left", "centre" or "right"."""
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._align = align

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins: QMargins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    @staticmethod
    def _size(item: QLayoutItem, width: int) -> QSize:
        """An item wider than the row gets the row's width, and the height it then needs
        (a button whose words wrap grows taller instead of sticking out)."""
        hint = item.sizeHint()
        if hint.width() <= width:
            return hint
        widget = item.widget()
        if not item.hasHeightForWidth():
            height = hint.height()
        elif widget is not None:
            height = widget.heightForWidth(width)  # the item's cached answer can be stale
        else:
            height = item.heightForWidth(width)
        return QSize(width, max(height, hint.height()))

    def _rows(self, width: int) -> list[list[QLayoutItem]]:
        rows: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._items:
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            w = self._size(item, width).width()
            if rows[-1] and used + self._spacing + w > width:
                rows.append([])
                used = 0
            used += (self._spacing if rows[-1] else 0) + w
            rows[-1].append(item)
        return [row for row in rows if row]

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        inner = rect.marginsRemoved(margins)
        y = inner.y()
        for row in self._rows(inner.width()):
            sizes = [self._size(item, inner.width()) for item in row]
            height = max(size.height() for size in sizes)
            if move:
                row_width = (sum(size.width() for size in sizes)
                             + self._spacing * (len(row) - 1))
                x = inner.x() + {"left": 0, "centre": (inner.width() - row_width) // 2,
                                 "right": inner.width() - row_width}[self._align]
                for item, hint in zip(row, sizes, strict=True):
                    # Each item as wide as it asks (so no word is cut), centred in the row.
                    top = y + (height - hint.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), hint))
                    x += hint.width() + self._spacing
            y += height + self._spacing
        return y - self._spacing - rect.y() + margins.bottom() if y > inner.y() else (
            margins.top() + margins.bottom())
