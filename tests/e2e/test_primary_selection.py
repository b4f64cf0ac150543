"""Nothing typed in the form reaches the X11 PRIMARY selection, where any X client could read
it while the form is open (issue 13, item 12). Read as another client would, with xclip."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from kiosk.config import load_settings
from kiosk.content.last_good import load_live
from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys

from .conftest import ARTIFACTS, WAIT_S, Kiosk, Screen
from .test_signup_taps import type_on_screen

NAME = "Zoë Peña"


def read_primary(screen: Screen) -> str:
    """What a middle-click would paste in any other X client ("" when nobody offers it)."""
    result = subprocess.run(["xclip", "-o", "-selection", "primary"], capture_output=True,
                            timeout=WAIT_S, check=False, text=True,
                            env={**os.environ, "DISPLAY": screen.display})
    return result.stdout if result.returncode == 0 else ""


def primary(kiosk: Kiosk, screen: Screen) -> str:
    # The kiosk answers the widget-map request on its UI thread, after the X events sent
    # before it: reading PRIMARY then cannot come before the kiosk has seen the gesture.
    kiosk.widgets()
    return read_primary(screen)


def test_selecting_the_typed_name_never_offers_it_to_other_x_clients(
        make_screen, start_kiosk, tmp_path):
    if shutil.which("xclip") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install xclip (see scripts/system-packages.sh)")
        pytest.skip("needs xclip")
    settings = load_settings(data_dir=tmp_path / "data")
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    create_keys(settings.keys_file, "maple street front desk",
                opslimit=OPSLIMIT_FLOOR, memlimit=MEMLIMIT_FLOOR)
    screen = make_screen(1920, 1080)
    # Positive control: a value another client offers IS read here, so the "" read below
    # means nothing was offered, not that xclip cannot read this display at all. (It
    # serves two reads: this one, and one that the kiosk, taking PRIMARY, would end.)
    subprocess.run(["xclip", "-selection", "primary", "-l", "2"], input="before", text=True,
                   env={**os.environ, "DISPLAY": screen.display}, check=True, timeout=WAIT_S,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert read_primary(screen) == "before"
    kiosk = start_kiosk(screen)
    kiosk.wait_title("attract")
    kiosk.tap("Start")
    kiosk.tap("All topics")
    kiosk.wait_title("topics")
    content = load_live(settings).content
    assert content is not None
    kiosk.tap(content.sections()[-1].title)
    kiosk.tap("Ask us to contact you")
    kiosk.wait_title("signup")
    kiosk.tap("field_name")
    type_on_screen(kiosk, NAME)

    x, y, width, height = kiosk.widgets()["field_name"]
    middle = y + height // 2
    seen = {}
    # Shift+Home selects from the cursor (at the end) back to the start.
    screen.tap(x + width - 40, middle)
    screen.run("xdotool", "key", "--clearmodifiers", "shift+Home")
    seen["shift+home"] = primary(kiosk, screen)
    # A double-click selects a word, a triple-click the whole line.
    screen.run("xdotool", "mousemove", str(x + 60), str(middle), "click", "--repeat", "2",
               "--delay", "80", "1")
    seen["double-click"] = primary(kiosk, screen)
    screen.run("xdotool", "click", "--repeat", "3", "--delay", "80", "1")
    seen["triple-click"] = primary(kiosk, screen)
    # A drag across the field selects what it passes over.
    screen.drag(x + 30, middle, min(width - 60, 600))
    seen["drag"] = primary(kiosk, screen)
    screen.screenshot(ARTIFACTS / "primary-selection.png")
    kiosk.stop()

    leaked = {how: text for how, text in seen.items() if "Zo" in text or "Pe" in text}
    assert leaked == {}
