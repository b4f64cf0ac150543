"""Turn an SVG, PNG or JPEG file into a pixmap of a given size, never at full resolution.

Large photos are decoded scaled (``QImageReader.setScaledSize``) so a 12-megapixel photo costs
a screen's worth of memory, not 48 MB. A missing or broken file gives a null pixmap and a log
line; the caller draws a placeholder instead.

Decoding a photo still reads every byte of it: about 50-70 ms for a 12-megapixel JPEG even at
1/8 scale, longer than a page turn may take. `BackgroundPicture` therefore decodes PNG and
JPEG files on a worker thread (QImage, unlike QPixmap, may be made off the UI thread, and
PySide6 releases the GIL while Qt reads) and hands the pixmap over on the UI thread; SVG
drawings take a few milliseconds and are drawn at once.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Executor, Future
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QImageReader, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

log = logging.getLogger(__name__)
# How often the UI thread looks for a finished decode; a frame or so.
POLL_MS = 10


def fit(source: QSize, box: QSize) -> QSize:
    """``source`` scaled to fit inside ``box``, keeping its shape."""
    if source.isEmpty() or box.isEmpty():
        return QSize()
    return source.scaled(box, Qt.AspectRatioMode.KeepAspectRatio)


def _pixels(box: QSize, device_pixel_ratio: float) -> QSize:
    return QSize(round(box.width() * device_pixel_ratio),
                 round(box.height() * device_pixel_ratio))


def _to_pixmap(image: QImage, device_pixel_ratio: float) -> QPixmap:
    if image.isNull():
        return QPixmap()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    return pixmap


def render(path: Path, box: QSize, device_pixel_ratio: float = 1.0) -> QPixmap:
    """A pixmap of ``path`` fitted into ``box`` (logical pixels)."""
    pixels = _pixels(box, device_pixel_ratio)
    if pixels.isEmpty():
        return QPixmap()
    if not path.is_file():
        log.warning("picture %s is missing", path.name)
        return QPixmap()
    is_svg = path.suffix.lower() == ".svg"
    image = _render_svg(path, pixels) if is_svg else _read_raster(path, pixels)
    return _to_pixmap(image, device_pixel_ratio)


class BackgroundPicture(QObject):
    """One widget's picture: drawings at once, photos decoded on a worker thread.

    `start` returns the pixmap when it is ready at once, else None and emits ``ready`` on
    the UI thread when the photo is decoded. A newer `start` replaces an unfinished one. The
    worker touches nothing but the file and its own QImage, so a widget deleted meanwhile
    (new content, another language) only leaves a result nobody collects.
    """

    ready = Signal(QPixmap)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job: Future[QImage] | None = None
        self._ratio = 1.0
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)

    @property
    def pending(self) -> bool:
        return self._job is not None

    def start(self, path: Path, box: QSize, device_pixel_ratio: float = 1.0, *,
              executor: Executor | None = None) -> QPixmap | None:
        """``executor`` decodes drawings too (many small pictures, such as the topics
        page's, add up); without one each photo gets a thread of its own."""
        self.cancel()
        pixels = _pixels(box, device_pixel_ratio)
        is_svg = path.suffix.lower() == ".svg"
        if pixels.isEmpty() or not path.is_file() or (is_svg and executor is None):
            return render(path, box, device_pixel_ratio)
        self._ratio = device_pixel_ratio
        if executor is not None:
            self._job = executor.submit(_draw, path, pixels)
        else:
            job: Future[QImage] = Future()
            self._job = job
            threading.Thread(target=_decode, args=(job, path, pixels), name="picture",
                             daemon=True).start()
        self._poll.start()
        return None

    def cancel(self) -> None:
        """Forget an unfinished decode; its result is never shown."""
        self._job = None
        self._poll.stop()

    def wait(self) -> None:
        """Block until the pending photo is decoded and ``ready`` has been emitted."""
        if self._job is not None:
            self._job.result()
            self._collect()

    def _collect(self) -> None:
        job = self._job
        if job is None or not job.done():
            return
        self._job = None
        self._poll.stop()
        self.ready.emit(_to_pixmap(job.result(), self._ratio))


def _draw(path: Path, pixels: QSize) -> QImage:
    # Runs on a worker thread: only QImage (and QSvgRenderer) here, never QPixmap or a widget.
    return _render_svg(path, pixels) if path.suffix.lower() == ".svg" else _read_raster(
        path, pixels)


def _decode(job: Future[QImage], path: Path, pixels: QSize) -> None:
    image = QImage()
    try:
        image = _draw(path, pixels)
    finally:
        job.set_result(image)


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
