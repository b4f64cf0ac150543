"""Turn an SVG, PNG or JPEG file into a pixmap of a given size, never at full resolution.

Large photos are decoded scaled (``QImageReader.setScaledSize``) so a 12-megapixel photo costs
a screen's worth of memory, not 48 MB. A missing or broken file gives a null pixmap and a log
line; the caller draws a placeholder instead.

Decoding a photo still reads every byte of it: about 50-70 ms for a 12-megapixel JPEG even at
1/8 scale, longer than a page turn may take, and the most complex drawing ``kiosk check``
allows takes most of a second to draw. `BackgroundPicture` therefore draws every picture on
a worker thread (QImage, unlike QPixmap, may be made off the UI thread, and PySide6 releases
the GIL while QImageReader reads and draws, SVG included) and hands the pixmap over on the UI
thread. It waits ``AT_ONCE_MS`` for it first: the shipped drawings take a few milliseconds
and appear with their page, not a frame after it.

A draw cannot be stopped once Qt has started it, so at most one draw of a picture file runs
at a time (`_OneDrawPerPicture`): six taps on "Larger text" once left seven threads drawing
the same slow drawing. Requests that arrive meanwhile wait; when the draw ends, only the
newest size still wanted is drawn next, and requests their widgets gave up are dropped.
``kiosk check`` refuses drawings that cost too much to draw at all (content/drawing_cost.py).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
import weakref
from concurrent.futures import Executor, Future, InvalidStateError, wait
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QImageReader, QImageWriter, QPixmap

from kiosk.content.model import escaped

log = logging.getLogger(__name__)
# How often the UI thread looks for a finished decode; a frame or so.
POLL_MS = 10
# How long a page turn may wait for its picture before it shows without it (half a frame).
AT_ONCE_MS = 8.0


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


_plugins_loaded = False
# Every picture still being read on a worker, wherever it was started: see finish_all.
_in_flight: set[Future[QImage]] = set()
_in_flight_lock = threading.Lock()


def _track(job: Future[QImage]) -> None:
    with _in_flight_lock:
        _in_flight.add(job)

    def done(finished: Future[QImage]) -> None:
        with _in_flight_lock:
            _in_flight.discard(finished)

    job.add_done_callback(done)


class _OneDrawPerPicture:
    """Runs at most one draw per picture file; see the module's docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[str] = set()
        # Per file: the sizes asked for meanwhile (oldest first), each with its requests.
        self._waiting: dict[str, dict[tuple[int, int], list[weakref.ref[Future[QImage]]]]] = {}

    def request(self, path: Path, pixels: QSize, job: Future[QImage],
                executor: Executor | None) -> None:
        key = str(path)
        size = (pixels.width(), pixels.height())
        with self._lock:
            if key in self._running:
                sizes = self._waiting.setdefault(key, {})
                waiting = sizes.pop(size, [])  # re-inserted last: the newest size
                sizes[size] = [*waiting, weakref.ref(job)]
                return
            self._running.add(key)
        draw: Future[QImage] = Future()  # the draw itself, which finish_all waits for
        _track(draw)
        if executor is not None:
            queued = executor.submit(self._run, draw, path, size, [job])
            # A queue shut down before this draw starts (the topics page deleted by a
            # rebuild) must not leave the picture marked as drawing: every later request
            # for it, from any page, would wait for ever.
            queued.add_done_callback(
                lambda ran: self._never_ran(draw, path, job) if ran.cancelled() else None)
        else:
            threading.Thread(target=self._run, args=(draw, path, size, [job]),
                             name="picture", daemon=True).start()

    def _run(self, draw: Future[QImage], path: Path, size: tuple[int, int],
             jobs: list[Future[QImage]]) -> None:
        # Runs on a worker thread: only QImage here, never QPixmap or a widget.
        while True:
            image = QImage()
            try:
                image = _read(path, QSize(*size))
            finally:
                for job in jobs:
                    # Cancelled: its widget asked again or went away meanwhile.
                    with contextlib.suppress(InvalidStateError):
                        job.set_result(image)
                following = self._next(str(path))
                done, draw = draw, Future()
                if following is not None:
                    _track(draw)  # before the last one ends: finish_all never sees a gap
                done.set_result(image)
            if following is None:
                return
            size, jobs = following

    def _never_ran(self, draw: Future[QImage], path: Path, job: Future[QImage]) -> None:
        """The queued draw was cancelled before it ran: its own request gets nothing, and
        the requests that waited for it get a draw on a thread of their own."""
        with contextlib.suppress(InvalidStateError):
            job.set_result(QImage())
        following = self._next(str(path))
        if following is not None:
            size, jobs = following
            again: Future[QImage] = Future()
            _track(again)
            threading.Thread(target=self._run, args=(again, path, size, jobs),
                             name="picture", daemon=True).start()
        draw.set_result(QImage())

    def _next(self, key: str) -> tuple[tuple[int, int], list[Future[QImage]]] | None:
        """The newest size still wanted for ``key``, and its requests; the other sizes wait
        their turn. Requests whose widgets gave up (cancelled, or gone) are dropped."""
        with self._lock:
            sizes = self._waiting.get(key, {})
            for size in list(sizes):
                live = [ref for ref in sizes[size]
                        if (job := ref()) is not None and not job.cancelled()]
                if live:
                    sizes[size] = live
                else:
                    del sizes[size]
            if not sizes:
                self._waiting.pop(key, None)
                self._running.discard(key)
                return None
            size = next(reversed(sizes))
            jobs = [job for ref in sizes.pop(size) if (job := ref()) is not None]
            return size, jobs


_draws = _OneDrawPerPicture()


def finish_all(timeout_s: float = 5.0) -> bool:
    """Wait for the pictures still being read; call before the QApplication goes away.

    Qt unloads its image plugins when the application object is deleted; a worker still
    drawing in one then runs code that is no longer there (the process dies with SIGBUS on
    its way out). Returns False if some were still running after ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        with _in_flight_lock:
            jobs = list(_in_flight)
        if not jobs:
            return True
        # A draw that ends may hand over to the next size of its picture: look again.
        _done, running = wait(jobs, timeout=max(0.0, deadline - time.monotonic()))
        if running:
            return False


def _load_plugins_here() -> None:
    """Load the SVG and JPEG image plugins on the UI thread, once, before any worker needs
    them: loading a plugin is the one part of reading a picture that takes Qt's global
    plugin lock for long (finding and opening the library), and it stays off the workers."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    svg = QBuffer()
    svg.setData(b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    jpeg = QBuffer()
    jpeg.open(QIODevice.OpenModeFlag.WriteOnly)
    QImageWriter(jpeg, b"jpeg").write(QImage(1, 1, QImage.Format.Format_RGB32))
    jpeg.close()
    for buffer, kind in ((svg, b"svg"), (jpeg, b"jpeg")):
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        if QImageReader(buffer, kind).read().isNull():
            log.warning("Qt cannot read %s pictures here", kind.decode())


def render(path: Path, box: QSize, device_pixel_ratio: float = 1.0) -> QPixmap:
    """A pixmap of ``path`` fitted into ``box`` (logical pixels)."""
    pixels = _pixels(box, device_pixel_ratio)
    if pixels.isEmpty():
        return QPixmap()
    if not path.is_file():
        log.warning("picture %s is missing", escaped(path.name))
        return QPixmap()
    return _to_pixmap(_read(path, pixels), device_pixel_ratio)


class BackgroundPicture(QObject):
    """One widget's picture, drawn or decoded on a worker thread.

    `start` returns the pixmap when it is ready within ``AT_ONCE_MS``, else None and emits
    ``ready`` on the UI thread when it is. A newer `start` replaces an unfinished one. The
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
        # The request still wanted, in a list the destroyed handler can reach without self:
        # a widget deleted by a rebuild gives up its place in the queue.
        self._wanted: list[Future[QImage]] = []
        self.destroyed.connect(functools.partial(_give_up, self._wanted))

    @property
    def pending(self) -> bool:
        return self._job is not None

    def start(self, path: Path, box: QSize, device_pixel_ratio: float = 1.0, *,
              executor: Executor | None = None) -> QPixmap | None:
        """Without ``executor`` the picture gets a thread of its own and is waited for up to
        ``AT_ONCE_MS``; with one (many small pictures, such as the topics page's, whose
        waits would add up) it is queued there and never waited for."""
        self.cancel()
        pixels = _pixels(box, device_pixel_ratio)
        if pixels.isEmpty() or not path.is_file():
            return render(path, box, device_pixel_ratio)  # nothing, and the log says why
        _load_plugins_here()
        self._ratio = device_pixel_ratio
        job: Future[QImage] = Future()
        self._job = job
        self._wanted[:] = [job]
        _draws.request(path, pixels, job, executor)
        if executor is None:
            try:
                image = job.result(timeout=AT_ONCE_MS / 1000)
            except TimeoutError:
                pass
            else:
                self._job = None
                return _to_pixmap(image, device_pixel_ratio)
        self._poll.start()
        return None

    def cancel(self) -> None:
        """Forget an unfinished decode; its result is never shown, and if it has not
        started yet it never will."""
        _give_up(self._wanted)
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


def _give_up(wanted: list[Future[QImage]]) -> None:
    for job in wanted:
        job.cancel()
    wanted.clear()


def _read(path: Path, pixels: QSize) -> QImage:
    # Drawings too: Qt's SVG image plugin draws them with QSvgRenderer exactly as a painter
    # would (the same pixels), and PySide6 lets go of the GIL while QImageReader.read runs,
    # which it does not for QSvgRenderer.render (a busy drawing held it for 540 ms).
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = fit(reader.size(), pixels)
    if size.isEmpty():
        log.warning("cannot read picture %s: %s", escaped(path.name),
                    escaped(reader.errorString()))
        return QImage()
    reader.setScaledSize(size)
    image = reader.read()
    if image.isNull():
        log.warning("cannot read picture %s: %s", escaped(path.name),
                    escaped(reader.errorString()))
    return image
