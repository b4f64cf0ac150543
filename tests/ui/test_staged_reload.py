"""A reload builds the new pages a slice at a time behind the old ones, which keep working."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QObject, QTimer

from kiosk.content.last_good import load_live
from kiosk.content.model import ContentSet
from kiosk.session import UNAVAILABLE
from kiosk.ui.pages.section_swap import SectionPages
from kiosk.ui.services import in_slices

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


@pytest.fixture
def one_step_per_slice(monkeypatch):
    """Every step in a slice of its own, so the event loop runs between any two."""
    monkeypatch.setattr(in_slices, "SLICE_MS", 0.0)


def between_slices(window, after_pages: int, action: Callable[[], None]) -> None:
    """Run ``action`` from the event loop once the next build has made ``after_pages``
    pages: as a tap would come, between two slices of the build."""
    pages = window.findChild(SectionPages)
    make = pages._add_page
    made = [0]

    def counting(section):
        page = make(section)
        made[0] += 1
        if made[0] == after_pages:
            QTimer.singleShot(0, action)
        return page

    pages._add_page = counting


def test_old_pages_work_until_the_new_ones_are_swapped_in(qtbot, window, make_settings,
                                                          content_dir, tmp_path,
                                                          one_step_per_slice):
    before = [s.title for s in window.sections]
    old_pages = window.section_pages
    old_buttons = window.topics.buttons
    newer = retitled(make_settings, content_dir, tmp_path / "newer", "Newer")
    window.show_section(1)
    seen_mid_build: list[object] = []

    def tap_next() -> None:
        # Halfway through the build: nothing has changed yet, and a tap turns the page.
        seen_mid_build.append([s.title for s in window.sections])
        window.controller.go_next()
        seen_mid_build.append(window.current_index())
        seen_mid_build.append(window.section_pages[2] is old_pages[2])

    between_slices(window, 3, tap_next)
    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        window.update_content(newer)

    assert seen_mid_build == [before, 2, True]
    assert all(s.title.startswith("Newer ") for s in window.sections)
    assert window.current_index() == 2  # the same section, now from the new set
    assert window.section_pages[2].title.text() == window.sections[2].title
    assert window.section_pages[2].isVisible()
    assert len(window.topics.buttons) == len(window.sections)
    qtbot.waitUntil(lambda: all_deleted([*old_pages, *old_buttons]), timeout=WAIT_MS)
    assert window.stack.count() == FIXED_PAGES + len(window.sections)


def test_newer_content_during_a_build_replaces_it(qtbot, window, make_settings, content_dir,
                                                  tmp_path, one_step_per_slice):
    first = retitled(make_settings, content_dir, tmp_path / "first", "First")
    second = retitled(make_settings, content_dir, tmp_path / "second", "Second")
    shown: list[list[str]] = []
    window.contentShown.connect(lambda: shown.append([s.title for s in window.sections]))
    half_built: list[QObject] = []

    def newer_content() -> None:
        half_built.extend(p for p in window.stack.findChildren(QObject)
                          if getattr(p, "title", None) is not None
                          and str(p.title.text()).startswith("First "))
        window.update_content(second)

    between_slices(window, 3, newer_content)
    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        window.update_content(first)

    assert len(shown) == 1
    assert all(title.startswith("Second ") for title in shown[0])
    assert len(half_built) == 3
    # The pages half made for the first set are deleted too, not left in the stack.
    qtbot.waitUntil(lambda: all_deleted(half_built), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.stack.count() == FIXED_PAGES + len(window.sections),
                    timeout=WAIT_MS)


def test_a_language_change_during_a_build_uses_the_newest_content(qtbot, window,
                                                                  make_settings, content_dir,
                                                                  tmp_path,
                                                                  one_step_per_slice):
    newer = retitled(make_settings, content_dir, tmp_path / "newer", "Newer")
    changed: list[bool] = []

    def switch_language() -> None:
        window.present(window.presentation.with_next_language(("en", "es")))
        changed.append(True)

    between_slices(window, 3, switch_language)
    window.update_content(newer)
    qtbot.waitUntil(lambda: bool(changed), timeout=WAIT_MS)

    assert window.presentation.language == "es"
    # The Spanish pages were not retitled; what matters is that they are the newer set's
    # pages, and that no page from the cancelled English build was left behind.
    assert window.sections == newer.sections("es")
    assert len(window.section_pages) == len(window.sections)
    qtbot.waitUntil(lambda: window.stack.count() == FIXED_PAGES + len(window.sections),
                    timeout=WAIT_MS)


@pytest.mark.expect_log("kiosk.ui.services.in_slices", r"a step failed")
def test_a_build_that_fails_leaves_the_pages_on_screen(qtbot, window, make_settings,
                                                       content_dir, tmp_path,
                                                       one_step_per_slice, caplog):
    before = [s.title for s in window.sections]
    assert window.section_pages  # every page of the content on screen is built
    newer = retitled(make_settings, content_dir, tmp_path / "newer", "Newer")
    pages = window.findChild(SectionPages)
    make = pages._add_page
    made: list[QObject] = []

    def failing(section):
        if len(made) == 3:
            raise RuntimeError("a page that cannot be made")
        made.append(make(section))
        return made[-1]

    pages._add_page = failing
    with qtbot.capture_exceptions() as errors:
        window.update_content(newer)
        qtbot.waitUntil(lambda: "a step failed" in caplog.text, timeout=WAIT_MS)
    assert [type(error) for _, error, _ in errors] == [RuntimeError]

    assert [s.title for s in window.sections] == before
    window.show_section(0)
    assert window.section_pages[0].title.text() == before[0]
    qtbot.waitUntil(lambda: all_deleted(made), timeout=WAIT_MS)


def test_content_that_empties_the_kiosk_is_shown_at_once(qtbot, window):
    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        window.update_content(None)
    assert window.current_page == UNAVAILABLE
    assert window.section_pages == []
