"""`kiosk preview DIR`: staff see draft pages in a window before patients do."""

from __future__ import annotations

import shutil

from kiosk.config import RESOURCES

from .conftest import ARTIFACTS


def test_preview_opens_draft_content_in_a_window(make_screen, start_kiosk, tmp_path):
    draft = tmp_path / "draft"
    shutil.copytree(RESOURCES / "content", draft)
    first = sorted((draft / "en").glob("*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace(
        "title: ", "title: DRAFT ", 1), encoding="utf-8")
    screen = make_screen(1920, 1080)
    kiosk = start_kiosk(screen, "preview", str(draft))
    kiosk.wait_title("attract")
    geometry = screen.run("xdotool", "getwindowgeometry", "--shell", kiosk.window)
    assert "WIDTH=1280" in geometry  # a window, not full screen
    kiosk.tap("Start")
    kiosk.wait_title("DRAFT What is the sciatic nerve?")
    screen.screenshot(ARTIFACTS / "preview.png")
    # The preview never becomes the kiosk's last good content.
    assert not (tmp_path / "data" / "last-good-content").exists()
