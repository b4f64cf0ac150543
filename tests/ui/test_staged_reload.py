"""A reload builds the new pages a slice at a time behind the old ones, which keep working."""

from __future__ import annotations

import shutil
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject

from kiosk.content.last_good import load_live
from kiosk.content.model import ContentSet

from .conftest import WAIT_MS

# Attract, topics, unavailable, form, thanks, not ready, staff: in the stack whatever the content.
FIXED_PAGES = 7


def retitled(make_settings, source: Path, target: Path, word: str) -> ContentSet:
    """The content in ``source`` with ``word`` before every title, loaded as the kiosk would."""
    shutil.copytree(source, target)
    for page in (target / "en").glob("*.md"):
        lines = page.read_text(encoding="utf-8").split("\n")
        lines = [line.replace("title: ", f"title: {word} ", 1) for line in lines]
        page.write_text("\n".join(lines), encoding="utf-8")
    result = load_live(make_settings(target))
    assert result.content is not None, [str(p) for p in result.problems]
    return result.content


def all_deleted(objects: list[QObject]) -> bool:
    return not any(shiboken6.isValid(o) for o in objects)


def test_old_pages_work_until_the_new_ones_are_swapped_in(qtbot, window, make_settings,
                                                          content_dir, tmp_path):
    before = [s.title for s in window.sections]
    old_pages = window.section_pages
    old_buttons = window.topics.buttons
    newer = retitled(make_settings, content_dir, tmp_path / "newer", "Newer")
    window.show_section(1)

    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        window.update_content(newer)
        # Nothing has changed yet, and a tap still turns the page on the old set.
        assert [s.title for s in window.sections] == before
        window.go_next()
        assert window.current_index() == 2
        assert window.section_pages[2] is old_pages[2]

    assert all(s.title.startswith("Newer ") for s in window.sections)
    assert window.current_index() == 2  # the same section, now from the new set
    assert window.section_pages[2].title.text() == window.sections[2].title
    assert window.section_pages[2].isVisible()
    assert len(window.topics.buttons) == len(window.sections)
    qtbot.waitUntil(lambda: all_deleted([*old_pages, *old_buttons]), timeout=WAIT_MS)
    assert window.stack.count() == FIXED_PAGES + len(window.sections)


def test_newer_content_during_a_build_replaces_it(qtbot, window, make_settings, content_dir,
                                                  tmp_path):
    first = retitled(make_settings, content_dir, tmp_path / "first", "First")
    second = retitled(make_settings, content_dir, tmp_path / "second", "Second")
    shown: list[list[str]] = []
    window.contentShown.connect(lambda: shown.append([s.title for s in window.sections]))

    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        window.update_content(first)
        window.update_content(second)

    assert len(shown) == 1
    assert all(title.startswith("Second ") for title in shown[0])
    # The pages half made for the first set are deleted too, not left in the stack.
    qtbot.waitUntil(lambda: window.stack.count() == FIXED_PAGES + len(window.sections),
                    timeout=WAIT_MS)


def test_a_language_change_during_a_build_uses_the_newest_content(qtbot, window,
                                                                  make_settings, content_dir,
                                                                  tmp_path):
    newer = retitled(make_settings, content_dir, tmp_path / "newer", "Newer")
    window.update_content(newer)
    window.present(window.presentation.with_next_language(("en", "es")))

    assert window.presentation.language == "es"
    # Spanish pages were not retitled; what matters is that they are the newer set's pages
    # and that no page from the cancelled English build was left behind.
    assert window.sections == newer.sections("es")
    assert len(window.section_pages) == len(window.sections)
    qtbot.waitUntil(lambda: window.stack.count() == FIXED_PAGES + len(window.sections),
                    timeout=WAIT_MS)


def test_content_that_empties_the_kiosk_is_shown_at_once(qtbot, window):
    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        window.update_content(None)
    assert window.current_page == "unavailable"
    assert window.section_pages == []
