"""A patient signs up on the real kiosk with taps alone; the front desk reads it back."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pytest

from kiosk.config import load_settings
from kiosk.content.last_good import load_live
from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys

from .conftest import ARTIFACTS, ROOT, WAIT_S, Kiosk

NAME = "Zoë Peña-Núñez"
PASSPHRASE = "maple street front desk"
SPECIAL = {" ": "space"}


def type_on_screen(kiosk: Kiosk, text: str) -> None:
    """Tap the on-screen keys a person would: shift for capitals, the accent layer for ñ."""
    for char in text:
        keys = kiosk.widgets()
        lower = char.lower()
        if char in SPECIAL:
            kiosk.tap(SPECIAL[char])
            continue
        if lower not in keys:
            kiosk.tap("Accented letters" if "Accented letters" in keys else "Letters")
        if char != lower:
            kiosk.tap("Shift")
        kiosk.tap(lower)


@pytest.mark.parametrize(("width", "height"), [(1080, 1920)], ids=["portrait"])
def test_sign_up_with_taps_and_read_it_back(make_screen, start_kiosk, tmp_path, width, height):
    settings = load_settings(data_dir=tmp_path / "data")
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    create_keys(settings.keys_file, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    screen = make_screen(width, height)
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
    screen.screenshot(ARTIFACTS / "signup-01-form.png")

    kiosk.tap("field_name")
    type_on_screen(kiosk, NAME)
    screen.screenshot(ARTIFACTS / "signup-02-keyboard.png")
    kiosk.tap("Done")
    kiosk.tap("field_phone")
    type_on_screen(kiosk, "2025550143")
    kiosk.tap("Done")
    kiosk.tap("Afternoon")
    kiosk.tap("Yes, you may contact me")
    kiosk.tap("Send")
    kiosk.wait_title("thanks")
    screen.screenshot(ARTIFACTS / "signup-03-thanks.png")
    kiosk.stop()

    out = tmp_path / "export.csv"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "export", "--out", str(out)],
        input=PASSPHRASE + "\n", text=True, capture_output=True, timeout=WAIT_S,
        env={**os.environ, "KIOSK_DATA_DIR": str(settings.data_dir)}, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 2
    assert NAME in rows[1]
    # A leading + is escaped like = - @, so a spreadsheet shows it as text, never a formula.
    assert "'+12025550143" in rows[1]
    assert "afternoon" in [cell.lower() for cell in rows[1]]
