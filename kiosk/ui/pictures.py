"""Turn an SVG, PNG or JPEG file into a pixmap of a given size, never at full resolution.

Large photos are decoded scaled (``QImageReader.setScaledSize``) so a 12-megapixel photo costs
a screen's worth of memory, not 48 MB. A missing or broken file gives a null pixmap and a log
line; the caller draws a placeholder instead.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

log = logging.getLogger(__name__)


def fit(source: QSize, box: QSize) -> QSize:
    """``source`` scaled to fit inside ``box``, keeping its shape."""
    if source.isEmpty() or box.isEmpty():
        return QSize()
    return source.scaled(box, Qt.AspectRatioMode.KeepAspectRatio)


def render(path: Path, box: QSize, device_pixel_ratio: float = 1.0) -> QPixmap:
    """A pixmap of ``path`` fitted into ``box`` (logical pixels)."""
    pixels = QSize(round(box.width() * device_pixel_ratio),
                   round(box.height() * device_pixel_ratio))
    if pixels.isEmpty():
        return QPixmap()
    if not path.is_file():
        log.warning("picture %s is missing", path.name)
        return QPixmap()
    is_svg = path.suffix.lower() == ".svg"
    image = _render_svg(path, pixels) if is_svg else _read_raster(path, pixels)
    if image.isNull():
        return QPixmap()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    return pixmap


def _render_svg(path: Path, pixels: QSize) -> QImage:
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        log.warning("cannot draw %s", path.name)
        return QImage()
    size = fit(renderer.defaultSize(), pixels)
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size.width(), size.height()))
    painter.end()
    return image


def _read_raster(path: Path, pixels: QSize) -> QImage:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = fit(reader.size(), pixels)
    if size.isEmpty():
        log.warning("cannot read picture %s: %s", path.name, reader.errorString())
        return QImage()
    reader.setScaledSize(size)
    image = reader.read()
    if image.isNull():
        log.warning("cannot read picture %s: %s", path.name, reader.errorString())
    return image
