"""WCAG checks on every screen, in every language, at normal and 200% text, both ways up.

Walks the real widget tree of each screen: tap targets of at least 44x44 px that do not
overlap (2.5.5, 2.5.8), an accessible name on everything a patient can touch and on every
picture (4.1.2, 1.1.1), text contrast of at least 7:1 measured on the rendered pixels
(1.4.6), and no text cut off or pushed off the screen at 200% (1.4.4).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QAccessible, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from kiosk.contrast import TEXT_MINIMUM, ratio
from kiosk.ui.shell.window import KioskWindow
from kiosk.ui.widgets.illustration import Illustration
from tests.ui.conftest import LANDSCAPE, PORTRAIT, WAIT_MS

MIN_TARGET = 44


def _screens(window: KioskWindow) -> Iterator[tuple[str, Callable[[], object]]]:
    def form_with_keyboard() -> None:
        window.show_signup()
        window.form.edits["name"].setFocus()

    def form_with_errors() -> None:
        window.show_signup()
        window.form.edits["email"].setText("zoe@")
        window.form.submit()

    yield "attract", window.show_attract
    for index, section in enumerate(window.sections):
        yield section.slug, lambda i=index: window.show_section(i)
    yield "topics", window.show_topics
    yield "signup", window.show_signup
    yield "signup-keyboard", form_with_keyboard
    yield "signup-errors", form_with_errors
    yield "thanks", window.show_thanks
    yield "staff-pin", window.show_staff
    yield "still-there", lambda: (window.show_section(0), window.idle.warn_now())


def _visible(window: KioskWindow, kind: type[QWidget] = QWidget) -> list[QWidget]:
    return [w for w in window.findChildren(kind) if w.isVisible() and w.width() > 0]


def _in_scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            return parent
        parent = parent.parentWidget()
    return None


def _on_screen(window: KioskWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _shown_part(window: KioskWindow, widget: QWidget) -> QRect:
    """Where the widget is on screen; inside a scrolling page, only its unscrolled part."""
    rect = _on_screen(window, widget)
    area = _in_scroll_area(widget)
    if area is not None:
        rect = rect.intersected(_on_screen(window, area.viewport()))
    return rect


def _covered(window: KioskWindow, widget: QWidget) -> bool:
    """Hidden behind the 'still there?' notice, which is drawn over the whole window."""
    notice = window.still_there
    return notice.isVisible() and widget is not notice and not notice.isAncestorOf(widget)


def _settle(window: KioskWindow, passes: int = 20) -> None:
    """Run layout passes until no widget moves: wrapping labels in scroll areas and buttons
    that grow to fit their words take a few passes, as on the real screen."""
    before = None
    for _ in range(passes):
        QApplication.processEvents()
        now = [w.geometry().getRect() for w in _visible(window)]
        if now == before:
            return
        before = now


def _problems(window: KioskWindow, image: QImage) -> list[str]:
    found = []
    window_rect = window.rect()
    buttons = [b for b in _visible(window, QAbstractButton) if not _covered(window, b)]
    for button in buttons:
        if button.width() < MIN_TARGET or button.height() < MIN_TARGET:
            found.append(f"{_describe(button)} is {button.width()}x{button.height()} px")
    for i, a in enumerate(buttons):
        for b in buttons[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            if _shown_part(window, a).intersects(_shown_part(window, b)):
                found.append(f"{_describe(a)} overlaps {_describe(b)}")
    for widget in _visible(window):
        if _covered(window, widget):
            continue
        interactive = isinstance(widget, QAbstractButton | QLineEdit | Illustration)
        if interactive:
            interface = QAccessible.queryAccessibleInterface(widget)
            name = interface.text(QAccessible.Text.Name) if interface else ""
            if not name.strip():
                found.append(f"{_describe(widget)} has no accessible name")
        area = _in_scroll_area(widget)
        rect = _on_screen(window, widget)
        if area is None and not window_rect.contains(rect):
            found.append(f"{_describe(widget)} at {rect.getRect()} is off the screen")
        if area is not None:
            viewport = area.viewport()
            x = widget.mapTo(viewport, QPoint(0, 0)).x()
            if x < 0 or x + widget.width() > viewport.width() + 1:
                found.append(f"{_describe(widget)} is wider than its scrolling page")
        found += _cut_off(widget)
        if isinstance(widget, QLabel | QPushButton) and widget.text().strip():
            found += _contrast(window, widget, image)
    for browser in _visible(window, QTextBrowser):
        assert isinstance(browser, QTextBrowser)
        if browser.horizontalScrollBar().maximum() > 0:
            found.append(f"{_describe(browser)} is wider than the screen")
    return found


def _cut_off(widget: QWidget) -> list[str]:
    if isinstance(widget, QLabel) and widget.text().strip():
        inner = widget.contentsRect()
        if widget.wordWrap():
            needed = widget.heightForWidth(widget.width())
            if needed > widget.height() + 1:
                return [f"{_describe(widget)} needs {needed} px of height, has {widget.height()}"]
        elif widget.sizeHint().width() > inner.width() + 1:
            needed = widget.sizeHint().width()
            return [f"{_describe(widget)} needs {needed} px, has {inner.width()}"]
    if isinstance(widget, QPushButton) and widget.text().strip():
        hint = widget.sizeHint()
        if hint.width() > widget.width() + 1 or hint.height() > widget.height() + 1:
            return [f"{_describe(widget)} needs {hint.width()}x{hint.height()}, "
                    f"has {widget.width()}x{widget.height()}"]
    return []


def _contrast(window: KioskWindow, widget: QWidget, image: QImage) -> list[str]:
    """The text colour against the colour most of the widget's own visible pixels have
    (inside a scrolling page only the part not scrolled out of view)."""
    rect = _shown_part(window, widget).intersected(window.rect())
    if rect.isEmpty():
        return []
    counts: Counter[str] = Counter()
    step = max(1, min(rect.width(), rect.height()) // 12)
    for y in range(rect.top(), rect.bottom() + 1, step):
        for x in range(rect.left(), rect.right() + 1, step):
            counts[image.pixelColor(x, y).name()] += 1
    background = counts.most_common(1)[0][0]
    text = widget.palette().color(widget.foregroundRole()).name()
    value = ratio(text, background)
    if value < TEXT_MINIMUM:
        return [f"{_describe(widget)}: {text} on {background} is {value:.1f}:1"]
    return []


def _describe(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    return f"{type(widget).__name__} {widget.objectName()!r} {text[:30]!r}"


PRESENTATIONS = [
    pytest.param(("en", 100, False), id="en"),
    pytest.param(("en", 200, False), id="en-200"),
    pytest.param(("es", 100, False), id="es"),
    pytest.param(("es", 150, False), id="es-150"),
    pytest.param(("es", 200, False), id="es-200"),
    pytest.param(("en", 100, True), id="contrast"),
    pytest.param(("es", 200, True), id="es-200-contrast"),
]


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
@pytest.mark.parametrize("look", PRESENTATIONS)
def test_every_screen_meets_wcag(qtbot, make_window, make_settings, tmp_path, size, look):
    language, percent, contrast = look
    settings = make_settings(data_dir=tmp_path / "data", languages=("en", "es"))
    window = make_window(size, settings=settings)
    window.present(replace(window.presentation, language=language, text_percent=percent,
                           high_contrast=contrast))
    problems = []
    for name, show in _screens(window):
        window.reset_signup()
        show()
        qtbot.waitUntil(lambda: window.stack.currentWidget().isVisible(), timeout=WAIT_MS)
        _settle(window)
        image = window.grab().toImage()
        problems += [f"{name}: {p}" for p in _problems(window, image)]
    assert problems == [], "\n".join(problems)
