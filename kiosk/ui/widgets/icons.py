"""Small symbols drawn with QPainter rather than typed as characters.

A symbol such as '◐' is not in the kiosk's font, so Qt would take it from whatever font the
machine has (or draw a box); drawn here, it looks the same everywhere, and it never ends up
in what a screen reader says.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF


def _canvas(side: int, ratio: float) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(round(side * ratio), round(side * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


def contrast(colour: str, side: int, ratio: float = 1.0, *, on: bool = False) -> QIcon:
    """A circle, half filled: the usual sign for 'contrast'; filled whole when it is on."""
    pixmap, painter = _canvas(side, ratio)
    pen_width = max(2.0, side / 12)
    box = QRectF(pen_width, pen_width, side - 2 * pen_width, side - 2 * pen_width)
    painter.setPen(QPen(QColor(colour), pen_width))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(box)
    painter.setBrush(QColor(colour))
    painter.drawPie(box, 90 * 16, 360 * 16 if on else 180 * 16)
    painter.end()
    return _icon(pixmap)


def warning(colour: str, side: int, ratio: float = 1.0) -> QIcon:
    """A triangle with an exclamation mark: 'urgent' by its shape, not only its colour."""
    pixmap, painter = _canvas(side, ratio)
    pen_width = max(3.0, side / 10)
    inset = pen_width
    triangle = QPolygonF([QPointF(side / 2, inset), QPointF(side - inset, side - inset),
                          QPointF(inset, side - inset)])
    pen = QPen(QColor(colour), pen_width)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPolygon(triangle)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    bar = side / 9
    painter.drawRoundedRect(QRectF(side / 2 - bar / 2, side * 0.36, bar, side * 0.3),
                            bar / 2, bar / 2)
    painter.drawEllipse(QPointF(side / 2, side * 0.77), bar * 0.6, bar * 0.6)
    painter.end()
    return _icon(pixmap)


def _icon(pixmap: QPixmap) -> QIcon:
    icon = QIcon()
    # The same picture whether the button is pressed or not (its colours swap when pressed).
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Active, QIcon.Mode.Selected):
        icon.addPixmap(pixmap, mode)
    return icon


def icon_size(px: int) -> QSize:
    return QSize(px, px)
