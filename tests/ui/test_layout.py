"""Room for the words: measured on every section, both ways up, in both languages, at normal
and 200% text, on the content that is shipped and on a copy made about a fifth longer.

- the first paragraph is on screen without scrolling; at larger text the body keeps at
  least half the screen's height (or shows all of itself); a title takes at most two lines;
- every warning sign of the urgent page is on screen without scrolling;
- the bottom bar keeps its shape when Next becomes "Ask us to contact you";
- the urgent page is one tap from the start screen and from the topics page, set apart by
  more than colour.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QFontMetrics, QTextBlock, QTextCursor
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from kiosk.session import Page
from kiosk.ui.pages.section import MIN_PICTURE, PICTURE_SHARE_LARGER, URGENT_SLUG, SectionPage
from kiosk.ui.shell.window import KioskWindow
from tests.ui.conftest import LANDSCAPE, PORTRAIT, WAIT_MS

LOOKS = [pytest.param((lang, pct), id=f"{lang}-{pct}") for lang in ("en", "es")
         for pct in (100, 150, 200)]
SIZES = [pytest.param(LANDSCAPE, id="landscape"), pytest.param(PORTRAIT, id="portrait")]
# A longer sentence per page: staff may write a fifth more than is shipped.
EXTRA_SENTENCE = {
    "en": " Many people find that this gets easier with time and gentle care.",
    "es": " Muchas personas notan que esto mejora con el tiempo y un cuidado suave.",
}


def lengthen(content: Path) -> None:
    """Make every page of ``content`` about a fifth longer (the shipped urgent page already
    has its second list, the "see a doctor today" signs)."""
    for lang in ("en", "es"):
        for page in (content / lang).glob("*.md"):
            text = page.read_text(encoding="utf-8")
            head, _, body = text.partition("\n---\n")
            paragraphs = body.split("\n\n")
            longer = [p + EXTRA_SENTENCE[lang] if p and p[0].isalpha() else p
                      for p in paragraphs]
            page.write_text(head + "\n---\n" + "\n\n".join(longer), encoding="utf-8")


@pytest.fixture(params=["shipped", "longer"])
def content(request: pytest.FixtureRequest, content_dir: Path) -> Path:
    if request.param == "longer":
        lengthen(content_dir)
    return content_dir


def _window(make_window, make_settings, tmp_path, content, size, look) -> KioskWindow:
    language, percent = look
    settings = make_settings(content, data_dir=tmp_path / "data", languages=("en", "es"))
    window = make_window(size, settings=settings)
    window.present(replace(window.presentation, language=language, text_percent=percent))
    return window


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def _block_rect(page: SectionPage, block: QTextBlock) -> QRect:
    """Where a paragraph of the text is drawn, in the text's viewport (scrolled to the top)."""
    browser = page.text
    start = QTextCursor(block)
    end = QTextCursor(block)
    end.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    return browser.cursorRect(start).united(browser.cursorRect(end))


def _blocks(page: SectionPage) -> list[QTextBlock]:
    found = []
    block = page.text.document().begin()
    while block.isValid():
        if block.text().strip():
            found.append(block)
        block = block.next()
    return found


def _show(qtbot, window: KioskWindow, index: int) -> SectionPage:
    window.show_section(index)
    page = window.section_pages[index]
    qtbot.waitUntil(page.isVisible, timeout=WAIT_MS)
    _settle()
    return page


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("look", LOOKS)
def test_every_section_leaves_room_for_the_words(qtbot, make_window, make_settings, tmp_path,
                                                 content, size, look):
    window = _window(make_window, make_settings, tmp_path, content, size, look)
    problems = []
    for index, section in enumerate(window.sections):
        page = _show(qtbot, window, index)
        viewport = page.text.viewport().rect()
        first = _block_rect(page, _blocks(page)[0])
        if not viewport.contains(first):
            problems.append(f"{section.slug}: first paragraph at {first.getRect()} is not "
                            f"all inside the text's {viewport.height()} px")
        line = QFontMetrics(page.title.font()).lineSpacing()
        if page.title.height() > 2 * line + 2:
            problems.append(f"{section.slug}: the title takes {page.title.height()} px, "
                            f"more than two lines of {line} px")
        document_h = page.text.document().size().height()
        shows_all = page.text.verticalScrollBar().maximum() == 0
        if not shows_all and viewport.height() < window.height() / 2:
            problems.append(f"{section.slug}: the text has {viewport.height()} px of the "
                            f"screen's {window.height()} and needs {document_h:.0f}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("look", LOOKS)
def test_every_warning_sign_is_on_screen_without_scrolling(qtbot, make_window, make_settings,
                                                          tmp_path, content, size, look):
    window = _window(make_window, make_settings, tmp_path, content, size, look)
    index = next(i for i, s in enumerate(window.sections) if s.slug == URGENT_SLUG)
    page = _show(qtbot, window, index)
    viewport = page.text.viewport().rect()
    signs = [b for b in _blocks(page) if b.textList() is not None]
    assert len(signs) >= 6
    hidden = [b.text() for b in signs if not viewport.contains(_block_rect(page, b))]
    assert hidden == [], f"below the fold at {viewport.height()} px: {hidden}"
    # The whole text fits, so no scroll bar and nothing cut under the bottom edge.
    bar = page.text.verticalScrollBar()
    assert bar.maximum() == 0, f"overflows by {bar.maximum()} px"
    assert not bar.isVisible()
    # Never smaller than normal text to make them fit.
    assert page.text_px >= make_settings().theme.body_px


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("look", LOOKS)
def test_the_bottom_bar_keeps_its_shape_on_the_last_page(qtbot, make_window, make_settings,
                                                         tmp_path, size, look):
    window = _window(make_window, make_settings, tmp_path, None, size, look)
    nav = window.nav

    def shape() -> list[tuple[int, int, int, int]]:
        return [QRect(w.mapTo(window, QPoint(0, 0)), w.size()).getRect()
                for w in (nav, nav.back, nav.next, *nav.dots.dots)]

    _show(qtbot, window, 0)
    first = shape()
    _show(qtbot, window, len(window.sections) - 1)
    assert nav.next.text() != window.strings["next"] + "  ›"
    assert shape() == first


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("look", LOOKS)
def test_the_urgent_page_is_one_tap_away_and_stands_out(qtbot, make_window, make_settings,
                                                        tmp_path, size, look):
    window = _window(make_window, make_settings, tmp_path, None, size, look)
    urgent = next(s for s in window.sections if s.slug == URGENT_SLUG)

    window.show_attract()
    _settle()
    button = window.attract.urgent
    assert button.isVisible()
    assert button.accessibleName() == urgent.title
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.current_page == Page.section(urgent.slug)

    window.show_topics()
    _settle()
    tiles = window.topics.buttons
    tile = next(t for t in tiles if t.urgent)
    others = [t for t in tiles if not t.urgent]
    # Apart by place and shape, not colour only: first, across the whole width, its own
    # warning sign (an extra picture no other tile has).
    assert tile.mapTo(window, QPoint(0, 0)).y() < min(t.mapTo(window, QPoint(0, 0)).y()
                                                      for t in others)
    assert tile.width() >= max(t.width() for t in others)
    pictures_in = [lbl for lbl in tile.findChildren(QLabel)
                   if lbl.pixmap() is not None and not lbl.pixmap().isNull()]
    assert len(pictures_in) == 2
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert window.current_page == Page.section(urgent.slug)


# Letters, digits, spaces and the punctuation of ordinary sentences; anything else (arrows,
# "‹", "◐") is a symbol a screen reader would read out by its Unicode name.
GLYPHS = re.compile("[^\\w\\s.,:;!?¿¡'\"()&%/+\\-\u2013\u2014\u2019\u201c\u201d]")


@pytest.mark.parametrize("language", ["en", "es"])
def test_screen_readers_hear_page_titles_once_and_no_symbols(qtbot, make_window, make_settings,
                                                             tmp_path, language):
    window = _window(make_window, make_settings, tmp_path, None, LANDSCAPE, (language, 100))
    strings = window.strings
    problems = []

    def symbols(where: str) -> None:
        """What AT-SPI reads for each visible widget (the set name, else its text)."""
        for widget in [window, *window.findChildren(QWidget)]:
            interface = QAccessible.queryAccessibleInterface(widget)
            name = interface.text(QAccessible.Text.Name) if interface else ""
            if widget.isVisible() and GLYPHS.search(name):
                problems.append(f"{where}: {name!r} has a symbol in it")

    window.show_attract()
    assert window.accessibleName() == strings["attract_title"]
    symbols("attract")
    window.show_topics()
    assert window.accessibleName() == strings["topics_title"]
    symbols("topics")
    for tile in window.topics.buttons:
        thumbnail = tile.findChildren(QLabel)[0]
        assert thumbnail.accessibleName() == tile.section.image_alt
    for index, section in enumerate(window.sections):
        _show(qtbot, window, index)
        assert window.accessibleName() == section.title
        said = []
        symbols(section.slug)
        # The window's own name is the page's title (what is announced when the page
        # changes); within the page the title is said once, by its heading.
        for widget in window.stack.findChildren(QWidget):
            if not widget.isVisible():
                continue
            interface = QAccessible.queryAccessibleInterface(widget)
            name = interface.text(QAccessible.Text.Name) if interface else ""
            said.append(name)
            if GLYPHS.search(name):
                problems.append(f"{section.slug}: {name!r} has a symbol in its name")
        if said.count(section.title) != 1:
            problems.append(f"{section.slug}: its title is said {said.count(section.title)} "
                            "times")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_at_normal_text_every_topic_fits_without_a_scroll_bar(qtbot, make_window, make_settings,
                                                              tmp_path, size, language):
    window = _window(make_window, make_settings, tmp_path, None, size, (language, 100))
    window.show_topics()
    qtbot.waitUntil(window.topics.isVisible, timeout=WAIT_MS)
    _settle()
    area = window.topics.scroll_area
    assert area.verticalScrollBar().maximum() == 0
    assert not area.verticalScrollBar().isVisible()
    viewport = QRect(area.viewport().mapTo(window, QPoint(0, 0)), area.viewport().size())
    for tile in window.topics.buttons:
        assert viewport.contains(QRect(tile.mapTo(window, QPoint(0, 0)), tile.size()))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("look", LOOKS)
def test_list_numbers_and_bullets_are_not_cut(qtbot, make_window, make_settings, tmp_path,
                                               size, look):
    window = _window(make_window, make_settings, tmp_path, None, size, look)
    problems = []
    for index, section in enumerate(window.sections):
        page = _show(qtbot, window, index)
        document = page.text.document()
        for block in _blocks(page):
            listed = block.textList()
            if listed is None:
                continue
            marker = listed.itemText(block)
            needed = QFontMetrics(block.charFormat().font()).horizontalAdvance(marker + " ")
            room = document.indentWidth() * listed.format().indent()
            if needed > room:
                problems.append(f"{section.slug}: {marker!r} needs {needed} px, has {room}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("contrast", [False, True], ids=["", "contrast"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_no_scroll_bar_where_the_words_fit(qtbot, make_window, make_settings, tmp_path,
                                           size, language, contrast):
    """At normal text a page whose words miss by a little makes room by a smaller picture
    (never below a quarter of the width beside the words, or a useful height above them)
    instead of showing a scroll bar."""
    window = _window(make_window, make_settings, tmp_path, None, size, (language, 100))
    window.present(replace(window.presentation, high_contrast=contrast))
    scrolling = []
    for index, section in enumerate(window.sections):
        page = _show(qtbot, window, index)
        bar = page.text.verticalScrollBar()
        if bar.maximum() or bar.isVisible():
            scrolling.append(f"{section.slug}: {bar.maximum()} px")
        picture = page.illustration
        if picture.isVisible():
            if page.is_portrait:
                assert picture.height() >= MIN_PICTURE
            else:
                margins = page.layout().contentsMargins()
                inner_w = page.width() - margins.left() - margins.right()
                assert picture.width() >= round(inner_w * PICTURE_SHARE_LARGER)
    assert scrolling == [], "\n".join(scrolling)
