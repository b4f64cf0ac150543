"""UI tests run on Qt's offscreen platform with a screen big enough for both orientations."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

# Must be set before pytest-qt creates the QApplication.
os.environ["QT_QPA_PLATFORM"] = (
    "offscreen:configfile=" + str(Path(__file__).with_name("offscreen-screen.json"))
)

from kiosk.config import I18N_DIR, Settings
from kiosk.content.last_good import load_live
from kiosk.i18n import load_strings
from kiosk.ui.window import KioskWindow

LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)
# How long a test waits for something to happen before it fails; raise it on a slow machine.
WAIT_MS = int(os.environ.get("KIOSK_TEST_WAIT_MS", "5000"))


@pytest.fixture(params=[LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def screen_size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def make_window(qtbot, make_settings) -> Callable[..., KioskWindow]:
    """A shown kiosk window of a given size on given content; closed after the test."""

    def make(size: tuple[int, int] = LANDSCAPE, content: Path | None = None,
             settings: Settings | None = None) -> KioskWindow:
        settings = settings or make_settings(content)
        result = load_live(settings)
        assert result.ok, [str(p) for p in result.problems]
        window = KioskWindow(settings, load_strings(I18N_DIR, "en"), result.content)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def window(make_window, screen_size) -> KioskWindow:
    return make_window(screen_size)
