"""The form helps instead of scolding (issue 19 §4, §5): no error before a field is used,
problems outlined with an icon and counted after Send and read with their field by a screen
reader, the field being typed in always on screen, the language kept with the keyboard open
and stored with the entry, a counted-down thank-you, and nothing typed ever selectable."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QImage, QTextLayout, QTextOption
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from kiosk.contrast import ratio
from kiosk.ui.input.touch import scroll_into_view
from kiosk.ui.pages.signup.spoken_names import glyphs_in
from kiosk.ui.shell.window import ATTRACT, THANKS, KioskWindow
from kiosk.ui.widgets.keyboard import PHONE, TEXT
from kiosk.ui.widgets.theme import HIGH_CONTRAST, presented_theme

from .conftest import LANDSCAPE, PASSPHRASE, PORTRAIT, WAIT_MS
from .test_keyboard import type_on
from .test_signup import tap, tap_in_form


@pytest.fixture
def bilingual(qtbot, make_window, make_settings, tmp_path):
    def make(size=LANDSCAPE, language="en", percent=100, contrast=False, **overrides):
        settings = make_settings(data_dir=tmp_path / "data", languages=("en", "es"),
                                 **overrides)
        window = make_window(size, settings=settings)
        window.present(replace(window.presentation, language=language, text_percent=percent,
                               high_contrast=contrast))
        qtbot.waitUntil(window.stack.isVisible, timeout=WAIT_MS)  # rebuilt pages show next turn
        return window
    return make


def description(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Description)


def focus(qtbot, window: KioskWindow, field: str) -> None:
    tap_in_form(qtbot, window.form, window.form.edits[field])
    qtbot.waitUntil(window.keyboard.isVisible, timeout=WAIT_MS)


def done(qtbot, window: KioskWindow) -> None:
    tap(qtbot, window.keyboard.button(window.strings["keyboard_done"]))
    assert not window.keyboard.isVisible()


def test_done_on_a_field_nobody_typed_in_says_nothing(qtbot, bilingual):
    window = bilingual()
    window.show_signup()
    form = window.form
    focus(qtbot, window, "name")
    done(qtbot, window)
    assert form.visible_errors() == {}
    assert description(form.edits["name"]) == ""
    # Typed in and left empty again: now it is worth saying.
    focus(qtbot, window, "name")
    type_on(qtbot, window.keyboard, "A")
    tap(qtbot, window.keyboard.button("⌫"))
    done(qtbot, window)
    assert form.visible_errors() == {"name": "Please type your name."}


def _outline(edit: QLineEdit) -> str:
    """The colour of the field's frame, from its rendered pixels (left edge, half-way)."""
    image = edit.grab().toImage()
    return image.pixelColor(2, image.height() // 2).name()


@pytest.mark.parametrize(("language", "four", "three", "one"), [
    ("en", "4 things to fix", "3 things to fix", "1 thing to fix"),
    ("es", "Hay 4 cosas que corregir", "Hay 3 cosas que corregir", "Hay 1 cosa que corregir"),
])
def test_send_outlines_counts_and_describes_each_problem(qtbot, bilingual, language, four,
                                                         three, one):
    window = bilingual(language=language)
    window.show_signup()
    form = window.form
    error_colour = presented_theme(window._settings.theme, high_contrast=False).error.lower()
    normal_outline = _outline(form.edits["name"])
    bar = form.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    tap(qtbot, form.send)

    errors = form.visible_errors()
    assert set(errors) == {"name", "contact", "contact_time", "consent"}
    assert form.summary.isVisible()
    assert form.summary.text() == four
    # The form scrolled back to the first problem (the name), summary still above it.
    viewport = form.scroll_area.viewport()
    qtbot.waitUntil(lambda: form.edits["name"].mapTo(viewport, QPoint(0, 0)).y() >= 0,
                    timeout=WAIT_MS)
    # Not colour alone: an outline, an icon and the words.
    assert _outline(form.edits["name"]) == error_colour != normal_outline
    assert _outline(form.edits["phone"]) == error_colour  # no phone nor e-mail given
    assert form.errors["name"].icon.isVisible()
    # A screen reader reads each problem with its control.
    assert description(form.edits["name"]) == errors["name"]
    assert description(form.edits["phone"]) == errors["contact"]
    assert description(form.edits["email"]) == errors["contact"]
    assert description(form.edits["note"]) == ""
    assert description(form.consent) == errors["consent"]
    assert all(description(b) == errors["contact_time"] for b in form.times.buttons())

    # Fixing one takes its outline, words and description away, and the count down.
    focus(qtbot, window, "name")
    type_on(qtbot, window.keyboard, "Zoë")
    assert "name" not in form.visible_errors()
    assert description(form.edits["name"]) == ""
    assert _outline(form.edits["name"]) != error_colour
    done(qtbot, window)
    tap(qtbot, form.send)
    assert form.summary.text() == three
    form.times.buttons()[0].setChecked(True)
    form.consent.setChecked(True)
    tap(qtbot, form.send)
    assert form.summary.text() == one
    assert set(form.visible_errors()) == {"contact"}


@pytest.mark.parametrize("look", [("en", 100), ("en", 200), ("es", 100), ("es", 200)],
                         ids=["en", "en-200", "es", "es-200"])
def test_the_field_its_label_and_hint_show_above_the_keyboard(qtbot, bilingual, screen_size,
                                                              look):
    language, percent = look
    window = bilingual(screen_size, language=language, percent=percent)
    window.show_signup()
    form = window.form
    viewport = form.scroll_area.viewport()
    bar = form.scroll_area.verticalScrollBar()
    for field in form.edits:
        # From the far end of the form: a tap scrolls the least it can to reach the field,
        # so its label and hint above it start out of view.
        bar.setValue(bar.maximum())
        focus(qtbot, window, field)

        def shown(field=field) -> bool:
            room = QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size())
            keyboard_top = window.keyboard.mapTo(window, QPoint(0, 0)).y()
            return all(
                room.contains(QRect(w.mapTo(window, QPoint(0, 0)), w.size()))
                and w.mapTo(window, QPoint(0, 0)).y() + w.height() <= keyboard_top
                for w in form.group(field) if not w.isHidden())

        qtbot.waitUntil(shown, timeout=WAIT_MS)
        assert (window.width(), window.height()) == screen_size


def test_a_language_switch_keeps_the_keyboard_open_and_what_was_typed(qtbot, bilingual):
    window = bilingual()
    window.show_signup()
    focus(qtbot, window, "phone")
    type_on(qtbot, window.keyboard, "202")
    with qtbot.waitSignal(window.presentationChanged, timeout=WAIT_MS):
        tap(qtbot, window.header.access.language)
    assert window.presentation.language == "es"
    qtbot.waitUntil(lambda: window.form.edits["phone"].isVisible(), timeout=WAIT_MS)
    assert window.keyboard.isVisible()
    assert window.keyboard.layout_name == PHONE
    assert window.form.focused_field() == "phone"
    assert window.form.edits["phone"].text() == "202"
    type_on(qtbot, window.keyboard, "5")  # and it still types into the field
    assert window.form.edits["phone"].text() == "2025"


def test_spanish_has_n_tilde_on_the_letters_and_the_entry_keeps_the_language(qtbot, bilingual):
    window = bilingual(language="es")
    window.show_signup()
    form = window.form
    focus(qtbot, window, "name")
    assert window.keyboard.layout_name == TEXT
    for key in ("⇧", "P", "e", "ñ", "a"):  # no trip to the accents layer for ñ
        tap(qtbot, window.keyboard.button(key))
    assert window.keyboard.layout_name == TEXT
    assert form.edits["name"].text() == "Peña"
    done(qtbot, window)
    form.edits["email"].setText("pena@example.org")
    form.times.buttons()[0].setChecked(True)
    form.consent.setChecked(True)
    tap(qtbot, form.send)
    assert window.current_page == THANKS
    assert window.services.signups is not None
    [entry] = window.services.signups.unlock(PASSPHRASE).entries()
    assert (entry.signup.name, entry.signup.language) == ("Peña", "es")


def test_the_thank_you_page_counts_down_and_can_start_again_now(qtbot, bilingual):
    window = bilingual(thank_you_ms=1500)
    window.controller.go(THANKS)
    countdown = window.thanks.countdown
    assert countdown.isVisible()
    assert countdown.text() == "This screen starts again in 2 seconds."
    qtbot.waitUntil(lambda: countdown.text() == "This screen starts again in 1 second.",
                    timeout=WAIT_MS)
    window.controller.go(THANKS)
    button = window.thanks.button
    assert button is not None
    assert button.text() == "Start again now"
    tap(qtbot, button)
    assert window.current_page == ATTRACT


def _colour_counts(image: QImage, rect: QRect) -> Counter[str]:
    counts: Counter[str] = Counter()
    for y in range(rect.top(), rect.bottom() + 1, 2):
        for x in range(rect.left(), rect.right() + 1, 2):
            counts[image.pixelColor(x, y).name()] += 1
    return counts


def _logo_contrast(window: KioskWindow, logo: QLabel) -> float:
    """The logo's outer colour against what it sits on, from the rendered pixels: along rays
    from 80% of its radius outwards, the first clearly different colour it meets."""
    image = window.grab().toImage()
    centre = logo.mapTo(window, logo.rect().center())
    radius = logo.pixmap().deviceIndependentSize().width() / 2  # drawn in the label's middle
    worst = 21.0
    for step in range(16):
        angle = step * math.pi / 8
        cos, sin = math.cos(angle), math.sin(angle)

        def at(r: float, cos=cos, sin=sin) -> str:
            return image.pixelColor(round(centre.x() + r * cos),
                                    round(centre.y() + r * sin)).name()

        edge = at(radius * 0.8)
        r = radius * 0.8
        while r < radius + 10 and ratio(at(r), edge) < 1.3:
            r += 1
        outside = at(r + 2)  # past the anti-aliased pixel
        if ratio(at(radius * 0.8 - 3), edge) > 1.3:
            continue  # this ray starts on a drawing inside the logo, not its edge
        worst = min(worst, ratio(edge, outside))
    return worst


def test_high_contrast_keeps_the_logo_readable_and_shows_the_button_is_on(qtbot, bilingual):
    window = bilingual(contrast=True)
    window.show_section(0)
    qtbot.waitUntil(window.header.logo.isVisible, timeout=WAIT_MS)
    assert _logo_contrast(window, window.header.logo) >= 3.0
    button = window.header.access.contrast
    interface = QAccessible.queryAccessibleInterface(button)
    assert interface.state().checkable
    assert interface.state().checked
    image = window.grab().toImage()

    def fill(b: QAbstractButton) -> str:
        rect = QRect(b.mapTo(window, QPoint(0, 0)), b.size()).adjusted(8, 8, -8, -8)
        return _colour_counts(image, rect).most_common(1)[0][0]

    assert fill(button) == HIGH_CONTRAST.primary.lower()
    assert fill(window.header.access.text_size) != fill(button)
    window.show_attract()
    qtbot.waitUntil(window.attract.logo.isVisible, timeout=WAIT_MS)
    assert _logo_contrast(window, window.attract.logo) >= 3.0


def _first_mark(image: QImage, fill: str) -> tuple[int, int, float]:
    """The first thing drawn on a button's ``fill``, from the left: its width, its height and
    how much of its middle column it covers (a filled circle all of it, an "H" only its bar)."""
    def ink(x: int, y: int) -> bool:
        return ratio(image.pixelColor(x, y).name(), fill) > 1.5

    columns = [x for x in range(image.width()) if any(ink(x, y) for y in range(image.height()))]
    assert columns, "nothing drawn on the button"
    first = [columns[0]]
    for x in columns[1:]:
        if x > first[-1] + 1:
            break
        first.append(x)
    rows = [y for y in range(image.height()) if any(ink(x, y) for x in first)]
    middle = first[len(first) // 2]
    covered = sum(ink(middle, y) for y in range(rows[0], rows[-1] + 1))
    return len(first), len(rows), covered / len(rows)


def test_the_contrast_symbol_shows_on_the_pressed_button(qtbot, bilingual):
    """When high contrast is on, its button is filled with the text colour: its symbol (a
    circle filled whole) is drawn in the contrasting colour, not vanishing into the fill."""
    window = bilingual(contrast=True)
    window.show_section(0)
    button = window.header.access.contrast
    qtbot.waitUntil(button.isVisible, timeout=WAIT_MS)
    assert button.isChecked()
    image = window.grab().toImage()
    rect = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
    side = button.iconSize().width()
    # A band through the middle, clear of the rounded border.
    band = QRect(rect.left() + 16, rect.center().y() - side, rect.width() - 32, 2 * side)
    inside = image.copy(band)
    fill = _colour_counts(inside, inside.rect()).most_common(1)[0][0]
    width, height, covered = _first_mark(inside, fill)
    assert width >= side * 0.6, (width, height, covered)
    assert height >= side * 0.6, (width, height, covered)
    assert covered >= 0.9, (width, height, covered)


def _controls(page: QWidget) -> list[QWidget]:
    return [w for w in page.findChildren(QWidget)
            if w.isVisible() and isinstance(w, QAbstractButton | QLineEdit)]


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_control_is_named_once_and_in_words(qtbot, bilingual, language):
    window = bilingual(language=language)
    window.show_signup()
    form = window.form
    names = {}
    for control in _controls(form):
        name = QAccessible.queryAccessibleInterface(control).text(QAccessible.Text.Name)
        assert glyphs_in(name) == "", f"{name!r} has drawn marks in its name"
        names[name] = control
    # A label that says what a control is called is that control's label (its buddy), so
    # a screen reader reads the words once, as the control's name.
    for label in form.findChildren(QLabel):
        if label.isVisible() and label.text() in names:
            assert label.buddy() is names[label.text()], label.text()
    for show in (window.show_thanks,):
        show()
        for control in _controls(window.stack.currentWidget()):
            name = QAccessible.queryAccessibleInterface(control).text(QAccessible.Text.Name)
            assert glyphs_in(name) == "", name


def test_nothing_typed_can_be_selected(qtbot, bilingual):
    """Selected text is the X11 PRIMARY selection, readable by any X client (issue 13.12);
    tests/e2e/test_primary_selection.py reads it as one would."""
    window = bilingual()
    window.show_signup()
    edit = window.form.edits["name"]
    focus(qtbot, window, "name")
    type_on(qtbot, window.keyboard, "Zoë Peña")
    qtbot.keyClick(edit, Qt.Key.Key_Home, Qt.KeyboardModifier.ShiftModifier)
    assert not edit.hasSelectedText()
    qtbot.mouseDClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(40, edit.height() // 2))
    assert not edit.hasSelectedText()
    qtbot.mousePress(edit, Qt.MouseButton.LeftButton, pos=QPoint(30, edit.height() // 2))
    qtbot.mouseMove(edit, QPoint(edit.width() // 2, edit.height() // 2))
    qtbot.mouseRelease(edit, Qt.MouseButton.LeftButton,
                       pos=QPoint(edit.width() // 2, edit.height() // 2))
    assert not edit.hasSelectedText()
    assert edit.text() == "Zoë Peña"


def _lines(label: QLabel) -> list[str]:
    """The lines a word-wrapped label is drawn in, at its width."""
    layout = QTextLayout(label.text(), label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(label.contentsRect().width())
        lines.append(label.text()[line.textStart():line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_no_label_on_the_form_breaks_a_word_at_a_hyphen(qtbot, bilingual, size):
    """At 200% in portrait "an e-mail" was drawn as "an e- / mail"."""
    window = bilingual(size=size, percent=200)
    window.show_signup()
    window.form.submit()  # every message shows: nothing typed
    qtbot.waitUntil(window.form.isVisible, timeout=WAIT_MS)
    broken = []
    for label in window.form.findChildren(QLabel):
        if not (label.isVisible() and label.wordWrap() and label.text()):
            continue
        lines = _lines(label)
        broken += [f"{a!r} / {b!r}" for a, b in pairwise(lines)
                   if a.rstrip().endswith("-") and b[:1].isalpha()]
    assert broken == []


def _cut_at_the_top(form) -> list[str]:
    """The form's rows that the scroll area's top edge cuts through."""
    edge = form.scroll_area.verticalScrollBar().value()
    column = form.scroll_area.widget()
    return [w.text() if isinstance(w, QLabel | QLineEdit) else type(w).__name__
            for w in column.children()
            if isinstance(w, QWidget) and w.isVisible() and w.y() < edge < w.y() + w.height()]


@pytest.mark.parametrize("look", [("en", 100), ("es", 100), ("en", 200), ("es", 200)],
                         ids=["en", "es", "en-200", "es-200"])
def test_scrolling_to_a_field_never_cuts_a_line_at_the_top(qtbot, bilingual, screen_size, look):
    """After Send and with the keyboard open the form scrolled by pixels, and the line at its
    top edge showed only in part; it stops where a row of the form begins."""
    language, percent = look
    window = bilingual(screen_size, language=language, percent=percent)
    window.show_signup()
    form = window.form
    bar = form.scroll_area.verticalScrollBar()
    viewport = form.scroll_area.viewport()

    def settle() -> None:
        for _ in range(5):
            QApplication.processEvents()

    def shown(edit: QWidget) -> bool:
        top = edit.mapTo(viewport, QPoint(0, 0)).y()
        return top >= 0 and top + edit.height() <= viewport.height()

    cut = []
    # Send with one problem below the fold, from the top and from the end of the form.
    form.edits["name"].setText("Zoë")
    form.edits["email"].setText("zoe@")
    for start in (0, bar.maximum()):
        bar.setValue(start)
        tap(qtbot, form.send)
        qtbot.waitUntil(lambda: shown(form.edits["email"]), timeout=WAIT_MS)
        settle()
        if bar.value() != start:  # where the form scrolled to, not where it was left
            cut += [f"after Send from {start}: {row}" for row in _cut_at_the_top(form)]
    # Each field with the keyboard open, reached from the top and from the end.
    for end in (False, True):  # (a field tapped twice in a row gets no new focus)
        for field in form.edits:
            bar.setValue(bar.maximum() if end else 0)
            # A finger brings the field just into view; where the form goes from there is
            # its own doing.
            scroll_into_view(form.scroll_area, form.edits[field], 8)
            qtbot.waitUntil(lambda field=field: shown(form.edits[field]), timeout=WAIT_MS)
            start = bar.value()
            tap(qtbot, form.edits[field])
            qtbot.waitUntil(window.keyboard.isVisible, timeout=WAIT_MS)
            qtbot.waitUntil(lambda field=field: shown(form.edits[field]), timeout=WAIT_MS)
            settle()
            if bar.value() != start:
                cut += [f"{field} from {start}: {row}" for row in _cut_at_the_top(form)]
    assert cut == []
