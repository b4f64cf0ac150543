"""Staff edit the content folder while the kiosk runs: good edits appear, bad ones never do."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.session import SIGNUP

from .conftest import WAIT_MS


def first_page(content_dir: Path) -> Path:
    return sorted((content_dir / "en").glob("*.md"))[0]


def retitle(path: Path, title: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [f"title: {title}" if line.startswith("title:") else line for line in lines]
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_valid_edit_shows_up_on_the_same_page(qtbot, live):
    window, _watcher, content_dir = live
    window.show_section(0)
    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        retitle(first_page(content_dir), "A brand new title")
    assert window.section_pages[0].title.text() == "A brand new title"
    assert window.current_index() == 0


@pytest.mark.expect_log("kiosk.ui.services.content_watcher", r"'image_alt:' is missing")
@pytest.mark.expect_log("kiosk.ui.services.content_watcher", r"keeping the last good content")
@pytest.mark.expect_log("kiosk.ui.services.content_watcher", r"expected 'key: value'")
def test_a_typo_keeps_the_last_good_content_and_says_where(qtbot, live):
    window, watcher, content_dir = live
    window.show_section(0)
    before = [s.title for s in window.sections]
    page = first_page(content_dir)
    with qtbot.waitSignal(watcher.rejected, timeout=WAIT_MS) as rejected:
        page.write_text(page.read_text(encoding="utf-8").replace("image_alt:", "image_alt",
                                                                 1), encoding="utf-8")
    problems = [str(p) for p in rejected.args[0].errors]
    assert any(p.startswith(f"{page}:4: expected 'key: value'") for p in problems), problems
    assert [s.title for s in window.sections] == before
    assert window.section_pages[0].illustration.has_picture
    assert window.current_index() == 0

    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        page.write_text(page.read_text(encoding="utf-8").replace("image_alt ", "image_alt: ",
                                                                 1), encoding="utf-8")
    assert [s.title for s in window.sections] == before


@pytest.mark.expect_log("kiosk.ui.services.content_watcher", r"is not in the images folder")
@pytest.mark.expect_log("kiosk.ui.services.content_watcher", r"keeping the last good content")
def test_a_deleted_picture_is_refused(qtbot, live):
    window, watcher, content_dir = live
    pictures_before = [s.image for s in window.sections]
    with qtbot.waitSignal(watcher.rejected, timeout=WAIT_MS) as rejected:
        (content_dir / "images" / pictures_before[0].name).unlink()
    assert any("is not in the images folder" in p.message for p in rejected.args[0].errors)
    assert [s.image for s in window.sections] == pictures_before
    # Pictures are drawn from the checked copy, so the deleted one still shows.
    window.show_section(0)
    page = window.section_pages[0]
    page.illustration.resize(page.illustration.width() + 1, page.illustration.height())
    assert page.illustration.has_picture


def test_a_new_section_appears_in_the_menu(qtbot, live):
    window, _watcher, content_dir = live
    count = len(window.sections)
    source = first_page(content_dir)
    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        (content_dir / "en" / "98-a-new-page.md").write_text(
            source.read_text(encoding="utf-8").replace("order:", "# order:"), encoding="utf-8")
    assert len(window.sections) == count + 1
    assert "a-new-page" in [s.slug for s in window.sections]
    assert len(window.topics.buttons) == count + 1
    assert len(window.nav.dots.dots) == count + 1


def test_a_burst_of_saves_loads_once_with_the_final_text(qtbot, live):
    window, watcher, content_dir = live
    page = first_page(content_dir)
    accepted = []
    watcher.accepted.connect(accepted.append)
    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        for n in range(5):
            retitle(page, f"Draft {n}")
    assert window.sections[0].title == "Draft 4"
    assert len(accepted) == 1


def test_a_reload_leaves_a_patient_on_the_form_with_what_they_typed(qtbot, live):
    window, _watcher, content_dir = live
    window.show_signup()
    window.form.edits["name"].setText("Ana")
    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        retitle(first_page(content_dir), "Changed while Ana types")
    assert window.current_page == SIGNUP
    assert window.form.edits["name"].text() == "Ana"
    assert window.sections[0].title == "Changed while Ana types"
