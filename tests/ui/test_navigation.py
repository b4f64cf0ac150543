"""A patient moves through the sections with buttons, dots, swipes, links and the menu."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QLabel

from kiosk.session import Page
from kiosk.ui.shell.window import ATTRACT, SIGNUP, TOPICS, KioskWindow

from .conftest import WAIT_MS


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def swipe(window: KioskWindow, dx: int, dy: int = 0) -> None:
    """A finger drag sent to the QWindow, the way a touch screen's events arrive."""
    handle = window.windowHandle()
    # Start on the picture: a finger on a link would also tap the link.
    picture = window.section_pages[window.current_index() or 0].illustration
    start = picture.mapTo(window, picture.rect().center())
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 11):
        QTest.mouseMove(handle, start + QPoint(dx * step // 10, dy * step // 10), 5)
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QPoint(dx, dy), 5)


def test_starts_on_the_attract_screen_and_a_tap_opens_the_first_section(qtbot, window):
    assert window.current_page == ATTRACT
    assert not window.header.isVisible()
    with qtbot.waitSignal(window.pageShown, timeout=WAIT_MS) as shown:
        QTest.mouseClick(window.attract, Qt.MouseButton.LeftButton,
                         pos=QPoint(window.attract.width() // 2, 200))
    assert shown.args == [Page.section(window.sections[0].slug)]
    assert window.header.isVisible()
    assert window.nav.isVisible()


def test_next_goes_through_every_section_to_the_sign_up(qtbot, window):
    tap(qtbot, window.attract.start)
    seen = []
    for _ in window.sections:
        seen.append(window.current_index())
        assert window.windowTitle().endswith(window.sections[seen[-1]].title)
        tap(qtbot, window.nav.next)
    assert seen == list(range(len(window.sections)))
    assert window.current_page == SIGNUP
    tap(qtbot, window.header.home)
    assert window.current_page == ATTRACT


def test_back_returns_and_leaves_to_the_start_from_the_first_page(qtbot, window):
    window.show_section(2)
    tap(qtbot, window.nav.back)
    assert window.current_index() == 1
    tap(qtbot, window.nav.back)
    tap(qtbot, window.nav.back)
    assert window.current_page == ATTRACT


def test_the_last_page_offers_to_sign_up(window):
    window.show_section(len(window.sections) - 1)
    assert window.nav.next.text().startswith("Ask us to contact you")
    window.show_section(0)
    assert window.nav.next.text().startswith("Next")


def test_dots_show_the_page_and_jump_to_it(qtbot, window):
    window.show_section(0)
    dots = window.nav.dots.dots
    assert len(dots) == len(window.sections)
    assert [d.isChecked() for d in dots] == [i == 0 for i in range(len(dots))]
    tap(qtbot, dots[4])
    assert window.current_index() == 4
    assert dots[4].isChecked()
    assert window.nav.count.text() == f"Page 5 of {len(window.sections)}"


def test_the_topics_menu_lists_every_section_and_opens_one(qtbot, window):
    window.show_section(3)
    tap(qtbot, window.header.topics)
    assert window.current_page == TOPICS
    buttons = window.topics.buttons
    assert [b.accessibleName() for b in buttons] == [s.title for s in window.sections]
    assert buttons[3].property("current") is True
    tap(qtbot, buttons[6])
    assert window.current_index() == 6


def test_home_returns_to_the_attract_screen(qtbot, window):
    window.show_section(5)
    tap(qtbot, window.header.home)
    assert window.current_page == ATTRACT


def test_swiping_left_and_right_turns_pages(qtbot, window):
    window.show_section(1)
    qtbot.waitExposed(window)
    swipe(window, -400)
    assert window.current_index() == 2
    swipe(window, 400)
    swipe(window, 400)
    assert window.current_index() == 0


def test_a_short_or_vertical_drag_is_not_a_swipe(qtbot, window):
    window.show_section(1)
    swipe(window, -60)
    swipe(window, -200, 400)
    assert window.current_index() == 1


def test_swiping_past_the_last_page_stays_there(window):
    window.show_section(len(window.sections) - 1)
    swipe(window, -400)
    assert window.current_index() == len(window.sections) - 1


@pytest.mark.expect_log("kiosk.ui.shell.controller", r"ignored a link that would leave the kiosk")
def test_section_links_open_the_section_and_others_are_ignored(window):
    window.show_section(0)
    window.controller.follow_link("section:" + window.sections[5].slug)
    assert window.current_index() == 5
    for target in ("https://example.com", "file:///etc/passwd", "javascript:alert(1)",
                   "section:no-such-page"):
        window.controller.follow_link(target)
        assert window.current_index() == 5


def test_tapping_a_link_in_the_text_follows_it(qtbot, make_window):
    window = make_window()
    index = next(i for i, s in enumerate(window.sections) if 'href="section:' in s.html)
    window.show_section(index)
    text = window.section_pages[index].text
    target = text.toHtml().split('href="section:', 1)[1].split('"', 1)[0]
    cursor = text.document().find(text.document().toPlainText().strip()[:0])
    block = text.document().begin()
    position = None
    while block.isValid() and position is None:
        fragment_iter = block.begin()
        while not fragment_iter.atEnd():
            fragment = fragment_iter.fragment()
            if fragment.charFormat().anchorHref() == f"section:{target}":
                position = fragment.position() + 1
                break
            fragment_iter += 1
        block = block.next()
    assert position is not None, cursor
    cursor = text.textCursor()
    cursor.setPosition(position)
    point = text.cursorRect(cursor).center()
    with qtbot.waitSignal(window.pageShown, timeout=WAIT_MS) as shown:
        QTest.mouseClick(text.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert shown.args == [Page.section(target)]


def test_dragging_the_text_scrolls_and_never_selects(qtbot, make_window, content_dir,
                                                     screen_size):
    page = sorted((content_dir / "en").glob("*.md"))[0]
    long_text = "\n\n".join(f"Paragraph {n} of a long page." for n in range(40))
    page.write_text(page.read_text(encoding="utf-8") + "\n" + long_text, encoding="utf-8")
    window = make_window(screen_size, content=content_dir)
    index = 0
    window.show_section(index)
    text = window.section_pages[index].text
    bar = text.verticalScrollBar()
    assert bar.maximum() > 0
    handle = window.windowHandle()
    start = text.viewport().mapTo(window, text.viewport().rect().center())
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 16):
        QTest.mouseMove(handle, start - QPoint(0, 20 * step), 16)
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start - QPoint(0, 300), 16)
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=WAIT_MS)
    assert not text.textCursor().hasSelection()
    assert window.current_index() == index


def test_picture_beside_text_in_landscape_above_it_in_portrait(make_window):
    wide = make_window((1920, 1080))
    wide.show_section(0)
    page = wide.section_pages[0]
    assert not page.is_portrait
    assert page.illustration.geometry().right() < page.title.mapTo(page, QPoint(0, 0)).x()
    tall = make_window((1080, 1920))
    tall.show_section(0)
    page = tall.section_pages[0]
    assert page.is_portrait
    assert page.illustration.geometry().bottom() < page.title.mapTo(page, QPoint(0, 0)).y()


def test_at_larger_text_in_portrait_the_picture_makes_room_for_the_words(qtbot, make_window):
    def shares(window: KioskWindow) -> tuple[int, int]:
        window.show_section(0)
        page = window.section_pages[0]
        qtbot.waitUntil(lambda: page.is_portrait and page.size() == window.stack.size(),
                        timeout=WAIT_MS)
        return page.illustration.height(), page.title.height() + page.text.height()

    window = make_window((1080, 1920))
    picture, words = shares(window)
    assert picture * 2 > words  # normal text: the picture keeps two fifths of the page
    window.present(replace(window.presentation, text_percent=200))
    picture, words = shares(window)
    assert picture * 2 < words  # at 200% it gives up room: a quarter of the page
    assert picture >= 200  # and is still a picture, not a stamp


def test_every_section_is_illustrated_and_big_enough_to_read(window):
    for index, page in enumerate(window.section_pages):
        window.show_section(index)
        assert page.illustration.has_picture, page.section.slug
        assert page.illustration.accessibleName() == page.section.image_alt
        assert page.illustration.width() >= 300
        assert page.illustration.height() >= 300
        assert QFontInfo(page.text.font()).pixelSize() >= 28
        assert not page.text.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse


def test_every_visible_word_is_readable_at_arms_length(window):
    for show in (window.show_attract, lambda: window.show_section(1), window.show_topics):
        show()
        labels = [w for w in window.findChildren(QLabel) if w.isVisible() and w.text()]
        assert labels
        for label in labels:
            assert QFontInfo(label.font()).pixelSize() >= 24, label.text()


def test_every_visible_button_is_a_big_tap_target(window):
    for show in (window.show_attract, lambda: window.show_section(1), window.show_topics):
        show()
        buttons = [b for b in window.findChildren(QAbstractButton) if b.isVisible()]
        assert buttons
        for button in buttons:
            assert button.width() >= 44, button.accessibleName()
            assert button.height() >= 44, button.accessibleName()
            assert button.mapTo(window, QPoint(button.width(), button.height())).x() \
                <= window.width()


def test_every_page_fits_the_screen_without_growing_the_window(qtbot, window, screen_size):
    pages = [window.show_attract, window.show_topics, window.show_signup, window.show_staff]
    pages += [lambda i=i: window.show_section(i) for i in range(len(window.sections))]
    for show in pages:
        show()
        minimum = window.minimumSizeHint()
        assert minimum.width() <= screen_size[0], window.current_page
        assert minimum.height() <= screen_size[1], window.current_page
        assert (window.width(), window.height()) == screen_size, window.current_page


def test_in_portrait_the_last_page_puts_the_dots_above_the_buttons(window, screen_size):
    window.show_section(len(window.sections) - 1)
    assert window.nav.stacked == (screen_size[0] < screen_size[1])


def test_a_12_megapixel_photo_is_decoded_at_screen_size(make_window, content_dir):
    from PIL import Image

    Image.new("RGB", (4000, 3000), "#C9736B").save(content_dir / "images" / "photo.jpg",
                                                   quality=80)
    page = sorted((content_dir / "en").glob("*.md"))[0]
    text = page.read_text(encoding="utf-8")
    lines = ["image: photo.jpg" if line.startswith("image:") else line
             for line in text.split("\n")]
    page.write_text("\n".join(lines), encoding="utf-8")
    window = make_window(content=content_dir)
    window.show_section(0)
    picture = window.section_pages[0].illustration
    assert picture.has_picture
    pixmap = picture._pixmap  # the decoded image, never the 4000x3000 original
    assert pixmap.width() <= picture.width() * pixmap.devicePixelRatio()
    assert pixmap.height() <= picture.height() * pixmap.devicePixelRatio()


def test_titles_are_shown_as_plain_text_never_as_markup(window):
    for page in window.section_pages:
        assert page.title.textFormat() == Qt.TextFormat.PlainText


@pytest.mark.expect_log("kiosk.ui.shell.window", r"refused a request to close the kiosk window")
def test_the_full_screen_kiosk_refuses_to_be_closed_but_a_preview_closes(make_window,
                                                                         make_settings):
    kiosk = make_window(settings=make_settings(windowed=False))
    assert not kiosk.close()  # what Alt+F4 or a window manager's close asks for
    assert kiosk.isVisible()
    preview = make_window(settings=make_settings(data_dir=make_settings().data_dir.parent / "p"))
    assert preview.close()
