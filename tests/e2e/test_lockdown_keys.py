"""Keys that would leave, pressed on a real (XTEST) keyboard at the full-screen kiosk.

Under Xvfb there is no window manager to act on Alt+F4 or Super, so what is tested is Qt's
side: each key reaches the kiosk (its log names every refused key), and afterwards the kiosk
still runs, full screen, alone on the screen and on the same page.
"""

from __future__ import annotations

import pytest

from kiosk.config import load_settings
from kiosk.content.last_good import load_live

from .conftest import ARTIFACTS, wait_until

# xdotool's name for the key -> what the kiosk's log calls it (Qt on X11 calls Super 'Meta').
KEYS = [("alt+F4", "Alt+F4"), ("ctrl+q", "Ctrl+Q"), ("ctrl+w", "Ctrl+W"),
        ("Escape", "Escape"), ("F1", "F1"), ("super", "Meta")]


@pytest.mark.parametrize(("width", "height"), [(1920, 1080)], ids=["landscape"])
def test_keys_that_leave_do_nothing(make_screen, start_kiosk, tmp_path, width, height):
    content = load_live(load_settings()).content
    assert content is not None
    first = content.sections()[0].title
    screen = make_screen(width, height)
    kiosk = start_kiosk(screen)
    kiosk.wait_title("attract")
    kiosk.tap("Start")
    kiosk.wait_title(first)
    log = tmp_path / "data" / "logs" / "kiosk.log"

    def refused(name: str) -> bool:
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        return any(line.endswith(f"refused the key {name}") for line in text.splitlines())

    for xdotool_name, name in KEYS:
        screen.run("xdotool", "key", xdotool_name)
        wait_until(lambda name=name: refused(name), f"the kiosk to refuse {name}")
        assert kiosk.process.poll() is None, f"the kiosk stopped after {name}"
        assert kiosk.title().endswith(first), f"after {name}: {kiosk.title()}"

    screen.screenshot(ARTIFACTS / "lockdown-after-keys.png")
    geometry = screen.run("xdotool", "getwindowgeometry", "--shell", kiosk.window)
    assert f"WIDTH={width}" in geometry, geometry
    assert f"HEIGHT={height}" in geometry, geometry
    windows = screen.run("xdotool", "search", "--onlyvisible", "--name", ".").splitlines()
    assert windows == [kiosk.window], windows
