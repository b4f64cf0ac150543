"""The clinic's logo as shown in the header and on the start screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap

from kiosk.ui.services import pictures

# The logo sits on a white disc a little larger than itself: logos are drawn for a light page,
# and on the high-contrast black a dark one (the sample's #1A4E72 circle is 2.4:1 on black)
# would melt into it. On the clinic's light colours the disc hardly shows.
PLATE = QColor("#FFFFFF")
INSET = 5


def logo_pixmap(path: Path, side: int, device_pixel_ratio: float) -> QPixmap:
    """``path`` drawn ``side`` x ``side`` (logical pixels) on its white disc."""
    inner = pictures.render(path, QSize(side - 2 * INSET, side - 2 * INSET), device_pixel_ratio)
    pixels = round(side * device_pixel_ratio)
    plate = QPixmap(pixels, pixels)
    plate.setDevicePixelRatio(device_pixel_ratio)
    plate.fill(Qt.GlobalColor.transparent)
    painter = QPainter(plate)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(PLATE)
    painter.drawEllipse(QRectF(0, 0, side, side))
    if not inner.isNull():
        size = inner.deviceIndependentSize()
        painter.drawPixmap(round((side - size.width()) / 2), round((side - size.height()) / 2),
                           inner)
    painter.end()
    return plate
