"""However often the pages are rebuilt ("Larger text" tapped again and again), one picture
file is drawn by one thread at a time, and sizes nobody wants any more are never drawn."""

from __future__ import annotations

import threading

from PySide6.QtCore import QSize
from PySide6.QtGui import QPixmap

from kiosk.ui.services import pictures
from tests.unit.test_drawing_cost import hostile_drawing

from .conftest import WAIT_MS


def drawing_threads() -> int:
    return sum(t.name == "picture" and t.is_alive() for t in threading.enumerate())


def test_six_rebuilds_draw_one_at_a_time_and_drop_the_superseded(qtbot, tmp_path,
                                                                  monkeypatch):
    # Most of a second to draw at these sizes (drawn larger than its own 1000 px, each of its
    # dashes costs): every rebuild below happens during the first draw.
    slow = hostile_drawing(tmp_path / "slow.svg", points=200)
    drawn: list[QSize] = []
    real_read = pictures._read

    def counted(path, pixels):  # the real renderer, counted
        drawn.append(pixels)
        return real_read(path, pixels)

    monkeypatch.setattr(pictures, "_read", counted)
    assert drawing_threads() == 0
    boxes = [QSize(1100 + 50 * n, 1100 + 50 * n) for n in range(7)]
    shown: list[QPixmap] = []
    for n, box in enumerate(boxes):
        picture = pictures.BackgroundPicture()
        picture.ready.connect(shown.append)
        assert picture.start(slow, box) is None  # too slow to wait for
        assert drawing_threads() == 1, f"after request {n + 1}"
        if n < len(boxes) - 1:
            # A rebuild deletes the old page, and its picture with it.
            with qtbot.waitSignal(picture.destroyed, timeout=WAIT_MS):
                picture.deleteLater()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS * 6)
    assert pictures.finish_all(timeout_s=WAIT_MS / 1000)
    # The first draw could not be stopped; of the five that waited, only the last is drawn.
    assert drawn == [boxes[0], boxes[-1]]
    assert [p.size() for p in shown] == [QSize(boxes[-1].width(), boxes[-1].width())]
    picture.deleteLater()


def test_two_widgets_showing_one_picture_at_two_sizes_both_get_it(qtbot, tmp_path):
    slow = hostile_drawing(tmp_path / "slow.svg", points=100)
    big, small = pictures.BackgroundPicture(), pictures.BackgroundPicture()
    got: dict[str, QPixmap] = {}
    big.ready.connect(lambda p: got.__setitem__("big", p))
    small.ready.connect(lambda p: got.__setitem__("small", p))
    big.start(slow, QSize(1300, 1300))
    small.start(slow, QSize(1100, 1100))
    assert drawing_threads() == 1
    qtbot.waitUntil(lambda: len(got) == 2, timeout=WAIT_MS * 4)
    assert got["big"].width() == 1300
    assert got["small"].width() == 1100
    big.deleteLater()
    small.deleteLater()


def test_a_draw_whose_queue_is_shut_down_before_it_runs_does_not_wedge_the_picture(
        qtbot, tmp_path):
    """The topics page queues its thumbnails on a worker of its own, shut down with the
    page. A thumbnail still queued then must not leave its picture marked as drawing: a
    section page asking for that picture later waited for ever (found when pages came to
    be built after the first paint and a rebuild came before the queue had run)."""
    from concurrent.futures import ThreadPoolExecutor

    picture_file = hostile_drawing(tmp_path / "drawing.svg", points=10)
    queue = ThreadPoolExecutor(max_workers=1)
    hold = threading.Event()
    queue.submit(hold.wait)  # the worker is busy: the thumbnail stays queued
    thumbnail = pictures.BackgroundPicture()
    assert thumbnail.start(picture_file, QSize(100, 100), executor=queue) is None
    page = pictures.BackgroundPicture()
    shown: list[QPixmap] = []
    page.ready.connect(shown.append)
    if (at_once := page.start(picture_file, QSize(400, 400))) is not None:
        shown.append(at_once)
    queue.shutdown(wait=False, cancel_futures=True)  # the topics page goes
    hold.set()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    assert shown[0].width() == 400
    assert pictures.finish_all(timeout_s=WAIT_MS / 1000)
    for picture in (thumbnail, page):
        picture.deleteLater()
