"""Between patients: 'Are you still there?', then everything a patient did is forgotten."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from kiosk.ui.shell.window import ATTRACT, SIGNUP
from kiosk.ui.widgets.theme import Metrics

from .conftest import WAIT_MS


@pytest.fixture
def idle_window(make_window, make_settings, screen_size):
    settings = make_settings(idle_ms=200, idle_form_ms=300, idle_countdown_ms=400,
                             staff_hold_ms=100)
    return make_window(screen_size, settings=settings)


def test_the_start_screen_never_times_out(idle_window):
    assert idle_window.current_page == ATTRACT
    assert not idle_window.idle.enabled


def test_still_there_can_be_answered_as_often_as_wanted(qtbot, idle_window):
    idle_window.show_section(3)
    for _ in range(3):
        with qtbot.waitSignal(idle_window.idle.warned, timeout=WAIT_MS):
            pass
        assert idle_window.still_there.isVisible()
        assert "seconds" in idle_window.still_there.countdown.text()
        assert idle_window.still_there.stay.height() >= 88
        qtbot.mouseClick(idle_window.still_there.stay, Qt.MouseButton.LeftButton)
        assert not idle_window.still_there.isVisible()
        assert idle_window.current_index() == 3


def test_nobody_answers_and_everything_starts_over(qtbot, idle_window):
    QGuiApplication.clipboard().setText("left behind")
    idle_window.show_signup()
    old_form = idle_window.form
    old_form.edits["name"].setText("Ana Ruiz")
    page = idle_window.section_pages[0]
    with qtbot.waitSignal(idle_window.idle.expired, timeout=WAIT_MS):
        pass
    assert idle_window.current_page == ATTRACT
    assert not idle_window.still_there.isVisible()
    assert idle_window.form is not old_form
    assert idle_window.form.edits["name"].text() == ""
    assert QGuiApplication.clipboard().text() == ""
    assert page.text.verticalScrollBar().value() == 0


def test_a_touch_restarts_the_wait(qtbot, make_window, make_settings):
    window = make_window(settings=make_settings(idle_ms=60_000))
    window.show_section(1)
    idle = window.idle
    qtbot.waitUntil(lambda: idle.waiting_ms < 59_800, timeout=WAIT_MS)
    centre = window.rect().center()
    QTest.mousePress(window.windowHandle(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseRelease(window.windowHandle(), Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier, centre)
    assert idle.waiting_ms > 59_800


def test_the_form_gets_longer_to_think(make_window, make_settings):
    window = make_window(settings=make_settings(idle_ms=1_000, idle_form_ms=5_000))
    window.show_section(0)
    assert window.idle.idle_ms == 1_000
    window.show_signup()
    assert window.current_page == SIGNUP
    assert window.idle.idle_ms == 5_000


def test_an_open_staff_panel_is_locked_by_the_reset(qtbot, idle_window):
    from .test_staff_panel import unlock

    unlock(qtbot, idle_window)
    assert idle_window.staff.unlocked
    with qtbot.waitSignal(idle_window.idle.expired, timeout=WAIT_MS):
        pass
    assert not idle_window.staff.unlocked
    assert idle_window.current_page == ATTRACT


@pytest.mark.parametrize("look", [("en", 100), ("es", 200)], ids=["en-100", "es-200"])
def test_still_there_keeps_its_words_off_the_screen_edges(qtbot, make_window, make_settings,
                                                          screen_size, look):
    """Its text ran to about 8 px from both edges in portrait; pages keep a margin."""
    language, percent = look
    settings = make_settings(languages=("en", "es"))
    window = make_window(screen_size, settings=settings)
    window.present(replace(window.presentation, language=language, text_percent=percent))
    window.show_section(0)
    window.idle.warn_now()
    notice = window.still_there
    qtbot.waitUntil(notice.isVisible, timeout=WAIT_MS)
    # The margin every page keeps at this text size (the theme's own rule).
    margin = Metrics.for_theme(settings.theme, percent).margin
    for label in notice.findChildren(QLabel):
        if not label.isVisible():
            continue
        drawn = label.fontMetrics().boundingRect(
            label.contentsRect(), int(label.alignment()) | Qt.TextFlag.TextWordWrap,
            label.text())
        left = label.mapTo(notice, drawn.topLeft()).x()
        right = notice.width() - label.mapTo(notice, drawn.topRight()).x()
        assert left >= margin, (label.text(), left)
        assert right >= margin, (label.text(), right)
