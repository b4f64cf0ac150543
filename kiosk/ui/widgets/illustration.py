"""A section's picture, drawn as large as its space allows and redrawn when that changes.

Pictures are drawn on a worker thread (see pictures.BackgroundPicture): a page turns at once,
with its drawing when that takes a few milliseconds, and a photo or a very busy drawing
appears a few frames later instead of the turn waiting for it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.services import pictures

MIN_SIDE = 96


class Illustration(QWidget):
    def __init__(self, path: Path | None, alt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._pixmap = QPixmap()
        self._rendered_for = QSize()
        self._loader = pictures.BackgroundPicture(self)
        self._loader.ready.connect(self._on_decoded)
        self.setAccessibleName(alt)
        self.setAccessibleDescription(alt)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)

    def set_picture(self, path: Path | None, alt: str) -> None:
        self._path = path
        self._rendered_for = QSize()
        self.setAccessibleName(alt)
        self.setAccessibleDescription(alt)
        self.update()

    @property
    def has_picture(self) -> bool:
        """Whether a picture is (or, once a pending photo is decoded, will be) drawn."""
        self._ensure_pixmap()
        self._loader.wait()
        return not self._pixmap.isNull()

    @property
    def picture_pending(self) -> bool:
        """Whether the picture is still being drawn on the worker thread."""
        return self._loader.pending

    def sizeHint(self) -> QSize:
        return QSize(600, 600)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update()

    def _ensure_pixmap(self) -> None:
        if self._rendered_for == self.size():
            return
        self._rendered_for = self.size()
        if self._path is None:
            self._loader.cancel()
            self._pixmap = QPixmap()
            return
        # Until a photo is decoded the previous picture (if any) stays: no blank flash when
        # the start screen moves on to the next picture.
        ready = self._loader.start(self._path, self.size(), self.devicePixelRatioF())
        if ready is not None:
            self._pixmap = ready

    def _on_decoded(self, pixmap: QPixmap) -> None:
        self._pixmap = pixmap
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if min(self.width(), self.height()) < MIN_SIDE:
            return  # squeezed out by larger text: better no picture than a stamp-sized one
        self._ensure_pixmap()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._pixmap.isNull() and self._loader.pending:
            return  # the photo is on its way
        if self._pixmap.isNull():
            # A missing picture leaves a calm empty frame, never an error on screen.
            pen = QPen(QColor(self.palette().mid().color()), 4, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            side = min(self.width(), self.height()) - 8
            painter.drawRoundedRect((self.width() - side) // 2, (self.height() - side) // 2,
                                    side, side, 32, 32)
            return
        logical = self._pixmap.deviceIndependentSize().toSize()
        x = (self.width() - logical.width()) // 2
        y = (self.height() - logical.height()) // 2
        painter.drawPixmap(x, y, self._pixmap)
