"""Long work in slices: every step runs once, in order, with the event loop let in between."""

from __future__ import annotations

import itertools

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.ui.services.in_slices import InSlices, delete_in_slices

from .conftest import WAIT_MS


def test_every_step_runs_once_in_order_then_finished(qtbot):
    ran: list[int] = []
    work = InSlices([lambda n=n: ran.append(n) for n in range(50)])
    with qtbot.waitSignal(work.finished, timeout=WAIT_MS):
        work.start()
        assert ran == []  # nothing runs until the event loop does
    assert ran == list(range(50))
    assert work.steps_left == 0


def test_the_event_loop_runs_between_slices(qtbot):
    # With no time per slice each slice is one step; another timer gets its turn between.
    ticks = [0]
    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    seen: list[int] = []
    work = InSlices([lambda: seen.append(ticks[0]) for _ in range(5)], slice_ms=0)
    ticker.start()
    with qtbot.waitSignal(work.finished, timeout=WAIT_MS):
        work.start()
    ticker.stop()
    assert len(seen) == 5
    assert all(later > earlier for earlier, later in itertools.pairwise(seen))


def test_cancel_drops_the_steps_left_and_never_finishes(qtbot):
    ran: list[int] = []
    finished: list[bool] = []

    def step(n: int) -> None:
        ran.append(n)
        if n == 3:
            work.cancel()

    # All in one slice (the cancel comes from inside it), however slow the machine.
    work = InSlices([lambda n=n: step(n) for n in range(10)], slice_ms=60_000)
    work.finished.connect(lambda: finished.append(True))
    marker = InSlices([lambda: ran.append(-1)])
    with qtbot.waitSignal(marker.finished, timeout=WAIT_MS):
        work.start()
        marker.start()
    assert ran == [0, 1, 2, 3, -1]
    assert finished == []
    assert not work.running


def test_delete_in_slices_deletes_each_widget_even_if_some_went_first(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    labels = [QLabel(str(n), host) for n in range(20)]
    gone_first = labels[5]
    shiboken6.delete(gone_first)
    deleting = delete_in_slices(labels, host, slice_ms=0)
    with qtbot.waitSignal(deleting.finished, timeout=WAIT_MS):
        pass
    assert not any(shiboken6.isValid(label) for label in labels)
    assert host.findChildren(QLabel) == []


@pytest.mark.expect_log("kiosk.ui.services.in_slices", r"a step failed")
def test_a_failing_step_stops_the_work_and_says_so(qtbot, caplog):
    ran: list[int] = []
    finished: list[bool] = []

    def step(n: int) -> None:
        if n == 2:
            raise ValueError("broken")
        ran.append(n)

    work = InSlices([lambda n=n: step(n) for n in range(5)], slice_ms=0)
    work.finished.connect(lambda: finished.append(True))
    with qtbot.capture_exceptions() as errors, qtbot.waitSignal(work.failed, timeout=WAIT_MS):
        work.start()
    assert [type(error) for _, error, _ in errors] == [ValueError]
    assert ran == [0, 1]
    assert finished == []
    assert not work.running
    assert "a step failed" in caplog.text
