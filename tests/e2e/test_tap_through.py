"""Start the real kiosk full screen and tap through every section, in both orientations."""

from __future__ import annotations

import pytest

from kiosk.config import load_settings
from kiosk.content.last_good import load_live
from kiosk.ui.widgets.theme import Metrics

from .conftest import ARTIFACTS


@pytest.fixture(scope="module")
def titles() -> list[str]:
    result = load_live(load_settings())
    assert result.content is not None
    return [s.title for s in result.content.sections()]


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920)],
                         ids=["landscape", "portrait"])
def test_tap_through_every_section(make_screen, start_kiosk, titles, width, height):
    screen = make_screen(width, height)
    kiosk = start_kiosk(screen)
    name = "landscape" if width > height else "portrait"
    kiosk.wait_title("attract")
    geometry = screen.run("xdotool", "getwindowgeometry", "--shell", kiosk.window)
    assert f"WIDTH={width}" in geometry, geometry
    assert f"HEIGHT={height}" in geometry, geometry
    screen.screenshot(ARTIFACTS / f"{name}-00-attract.png")

    screen.tap(width // 2, height // 2)
    margin = Metrics.for_theme(load_settings(environ={}).theme).margin
    next_button = (width - margin - 60, height - 60)
    for number, title in enumerate(titles, start=1):
        kiosk.wait_title(title)
        screen.screenshot(ARTIFACTS / f"{name}-{number:02d}.png")
        if number < len(titles):
            screen.tap(*next_button)

    # A real swipe (press, drag, release) turns back a page.
    screen.drag(width // 4, height // 3, width // 3)
    kiosk.wait_title(titles[-2])
    screen.tap(*next_button)
    kiosk.wait_title(titles[-1])
    # After the last section comes the sign-up; this kiosk has no keys yet (no 'kiosk setup'),
    # so it asks patients to see the front desk. Home leads back to the start.
    screen.tap(*next_button)
    kiosk.wait_title("signup-not-ready")
    screen.screenshot(ARTIFACTS / f"{name}-{len(titles) + 1:02d}-signup.png")
    kiosk.tap("Home")
    kiosk.wait_title("attract")
    assert kiosk.process.poll() is None
