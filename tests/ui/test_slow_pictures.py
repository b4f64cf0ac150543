"""A picture that is slow to draw never holds up the page it is on."""

from __future__ import annotations

from kiosk.content.svg import MAX_FILTERED, MAX_SHAPES
from kiosk.session import Page
from kiosk.ui.widgets.illustration import MIN_SIDE

from .conftest import WAIT_MS


def busiest_allowed_drawing() -> str:
    """As much as ``kiosk check`` lets through: see-through shapes and blurred parts, which
    together take most of a second to draw at screen size."""
    blur = ('<filter id="soft"><feGaussianBlur stdDeviation="12"/></filter>')
    blurred = "".join(f'<rect x="{40 * n}" y="40" width="500" height="500" fill="#3A7CA5" '
                      f'filter="url(#soft)"/>' for n in range(MAX_FILTERED))
    circles = "".join(
        f'<circle cx="{(n * 37) % 800}" cy="{(n * 53) % 800}" r="{60 + n % 90}" '
        f'fill="#C9736B" fill-opacity="0.3"/>' for n in range(MAX_SHAPES - MAX_FILTERED - 10))
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" '
            f'viewBox="0 0 800 800"><defs>{blur}</defs>{blurred}{circles}</svg>')


def test_a_busy_drawing_comes_after_its_page_and_the_next_tap_works_meanwhile(
        qtbot, make_window, make_settings, tmp_path, content_dir):
    (content_dir / "images" / "busy.svg").write_text(busiest_allowed_drawing(),
                                                     encoding="utf-8")
    first = sorted((content_dir / "en").glob("*.md"))[0]
    lines = ["image: busy.svg" if line.startswith("image:") else line
             for line in first.read_text(encoding="utf-8").split("\n")]
    first.write_text("\n".join(lines), encoding="utf-8")
    # This is about the page, not check's drawing budget: on a loaded machine the probe's
    # clock can run past the default budget, so give it room (a refusal still fails here).
    settings = make_settings(content_dir, data_dir=tmp_path / "data", drawing_budget_ms=20_000)
    window = make_window(settings=settings)  # fails if kiosk check refused the drawing

    window.show_section(0)
    picture = window.section_pages[0].illustration
    # The turn's first frame, once the page is laid out, drawn now: it starts the drawing.
    qtbot.waitUntil(lambda: min(picture.width(), picture.height()) >= MIN_SIDE,
                    timeout=WAIT_MS)
    picture.grab()
    assert window.current_page == Page.section(window.sections[0].slug)
    assert picture.picture_pending  # painted without it: the drawing is still being made
    window.controller.go_next()
    assert window.current_index() == 1

    window.controller.go_back()
    qtbot.waitUntil(lambda: not picture.picture_pending, timeout=WAIT_MS * 4)
    assert picture.has_picture
