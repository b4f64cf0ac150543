"""One section: its title, its illustration and its text, laid out for the screen's shape.

Landscape puts the picture beside the text, portrait puts it above. The words come first:
the title shrinks rather than take a third line, and in portrait the picture gets only the
height the text does not need (it goes altogether when less than a useful size is left), so
the body keeps at least half the screen (or shows all of itself); in landscape it narrows
(to a quarter of the width, or goes) when the words would otherwise miss by a little and
scroll. On the urgent page ("When to get
help right away") every warning sign must be on screen at once: its picture gives way and,
if the list still does not fit at the chosen size, its text is set as large as fits (never
below normal size) instead of hiding a warning sign below the fold.

The text scrolls by dragging (QScroller) and never selects; links are handed to the window,
never followed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt, QUrl, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent, QTextDocument
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QScroller,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kiosk.content.model import URGENT_SLUG as URGENT_SLUG  # for those who import it here
from kiosk.content.model import Section
from kiosk.speech import shown_html
from kiosk.ui.input.touch import make_touch_scrollable
from kiosk.ui.widgets.illustration import Illustration
from kiosk.ui.widgets.theme import Metrics

# The section whose warning signs must all be visible at once (resources/content/*/85-...).
# The largest part of the page the picture may take, at normal and at larger text.
PICTURE_SHARE = 2 / 5
PICTURE_SHARE_LARGER = 1 / 4
# The body keeps at least this part of the screen's height (or shows all of itself).
TEXT_SCREEN_SHARE = 0.5
# Below this height a picture is more a stamp than a drawing: left out instead.
MIN_PICTURE = 220
MAX_WIDGET = 16_777_215
TITLE_LINES = 2
URGENT_CSS = "p, li { line-height: 115%; }"


_LIST = re.compile(r"<ul>\s*(.*?)\s*</ul>", re.DOTALL)
_ITEM = re.compile(r"<li>.*?</li>", re.DOTALL)


def two_columns(html: str) -> str:
    """Each list of ``html`` split into two side-by-side halves, in reading order (the left
    half first): on a landscape screen a list of short warning signs then takes half the
    height. Qt's rich text has no CSS columns; a one-row table is read cell by cell."""

    def split(match: re.Match[str]) -> str:
        items = _ITEM.findall(match.group(1))
        if len(items) < 2:
            return match.group(0)
        half = (len(items) + 1) // 2
        cells = "".join(f'<td width="50%" valign="top"><ul>{"".join(part)}</ul></td>'
                        for part in (items[:half], items[half:]))
        return (f'<table width="100%" border="0" cellspacing="0" cellpadding="0">'
                f"<tr>{cells}</tr></table>")

    return _LIST.sub(split, html)


@dataclass(frozen=True)
class TextHeights:
    """How tall a section's text is at some width and size, in document pixels."""

    total: float
    first_paragraph: float  # where the first paragraph ends
    lists: float  # where the last list item ends (0 if there is no list)


def measure(document: QTextDocument) -> TextHeights:
    layout = document.documentLayout()
    first = lists = 0.0
    block = document.begin()
    while block.isValid():
        bottom = layout.blockBoundingRect(block).bottom()
        if not first and block.text().strip():
            first = bottom
        if block.textList() is not None:
            lists = max(lists, bottom)
        block = block.next()
    return TextHeights(document.size().height(), first, lists)


class SectionText(QTextBrowser):
    """Read-only rich text that scrolls by touch and reports link taps instead of following."""

    linkTapped = Signal(str)

    def __init__(self, html: str, css: str, parent: QWidget | None = None,
                 indent: int = 40) -> None:
        """``indent``: the room for a list's numbers and bullets (Qt's 40 px cut "1." in
        half at 200% text)."""
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.document().setDefaultStyleSheet(css)
        self.document().setDocumentMargin(8)
        self.document().setIndentWidth(indent)
        self.setHtml(html)
        self.anchorClicked.connect(self._on_anchor)
        make_touch_scrollable(self)

    def _on_anchor(self, url: QUrl) -> None:
        self.linkTapped.emit(url.toString())

    def height_at(self, width: int, pixel_size: int | None = None) -> TextHeights:
        """How tall the text would be ``width`` wide (and ``pixel_size`` large), measured
        on a copy so what is on screen does not move."""
        self.ensurePolished()
        # No parent: Python owns the copy and it goes (with its lists and tables) on return,
        # not at some later turn of the event loop.
        probe = self.document().clone()
        probe.setIndentWidth(self.document().indentWidth())
        probe.setDocumentMargin(self.document().documentMargin())
        font = QFont(self.font())
        if pixel_size is not None:
            font.setPixelSize(pixel_size)
        probe.setDefaultFont(font)
        # As if the scroll bar were showing: it takes its width from the text when it does.
        probe.setTextWidth(max(1, width - self.verticalScrollBar().sizeHint().width()))
        return measure(probe)


class PageTitle(QLabel):
    """A section's title, never more than two lines: a long one is set a little smaller."""

    def __init__(self, text: str, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # never rich text from a file
        self.setObjectName("PageTitle")
        self.setWordWrap(True)
        self._largest = metrics.title_px
        self._smallest = min(metrics.title_min_px, metrics.title_px)
        self.pixel_size = metrics.title_px

    def fit(self, width: int, lines: int = TITLE_LINES) -> int:
        """Choose the size for ``width`` and return the height the title then takes: the
        largest that needs at most ``lines`` lines, else the largest that needs two."""
        self.ensurePolished()
        font = QFont(self.font())
        chosen = self._smallest
        for most in dict.fromkeys((lines, TITLE_LINES)):
            fitted = None
            for size in range(self._largest, self._smallest - 1, -2):
                font.setPixelSize(size)
                metrics = QFontMetrics(font)
                used = metrics.boundingRect(QRect(0, 0, max(1, width), MAX_WIDGET),
                                            Qt.TextFlag.TextWordWrap, self.text())
                if used.height() <= metrics.lineSpacing() * most + 1:
                    fitted = size
                    break
            if fitted is not None:
                chosen = fitted
                break
        if chosen != self.pixel_size:
            self.pixel_size = chosen
            # The widget's own sheet wins over the window's "QLabel#PageTitle" size.
            self.setStyleSheet(f"font-size: {chosen}px;")
        return self.heightForWidth(width)


class SectionPage(QWidget):
    linkTapped = Signal(str)

    def __init__(self, section: Section, css: str, metrics: Metrics,
                 parent: QWidget | None = None, *, landscape: bool = True) -> None:
        """``landscape``: the screen's shape now, so the urgent page starts with the right
        text (changing it later makes new list objects; the soak test counts them)."""
        super().__init__(parent)
        self.setObjectName("Page")
        self.section = section
        self.urgent = section.slug == URGENT_SLUG
        self._two_columns = self.urgent and landscape
        self._metrics = metrics
        self.illustration = Illustration(section.image, section.image_alt)
        self.illustration.setMinimumSize(0, 0)
        self.title = PageTitle(section.title, metrics)
        # The urgent page's lines a little closer (Qt's line-height is a share of the font's
        # own line spacing, already about 1.25 times its size): more signs at a larger size.
        # [[text not read aloud]] shows without its brackets (kiosk/speech.py).
        self._html = shown_html(section.html)
        self.text = SectionText(two_columns(self._html) if self._two_columns else self._html,
                                css + URGENT_CSS if self.urgent else css,
                                indent=round(metrics.body_px * 1.6))
        # No accessible name: the title above is the page's heading, and naming the text
        # after it made screen readers say the title twice.
        self.text.linkTapped.connect(self.linkTapped)
        self.text_px = metrics.body_px

        self.listen: QWidget | None = None
        self.take_home: QWidget | None = None
        self._title_row: QBoxLayout | None = None
        self._column = QWidget()
        column_layout = self._column_layout = QVBoxLayout(self._column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(metrics.margin // 2)
        column_layout.addWidget(self.title)
        column_layout.addWidget(self.text, 1)

        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(metrics.margin, metrics.margin // 2,
                                        metrics.margin, metrics.margin // 2)
        self._layout.setSpacing(metrics.margin)
        self._layout.addWidget(self.illustration, 0)
        self._layout.addWidget(self._column, 1)

    def add_listen(self, button: QWidget) -> None:
        """The Listen button (ui/widgets/listen_button.py), beside the title, or above it
        when the title would need a third line beside it (Spanish at 200% in portrait).
        Always above pushed the urgent page's last warning sign off a landscape screen at
        200% text."""
        self.listen = button
        self._title_row = QBoxLayout(QBoxLayout.Direction.RightToLeft)
        self._title_row.setContentsMargins(0, 0, 0, 0)
        self._title_row.setSpacing(self._metrics.margin // 2)
        self._column_layout.removeWidget(self.title)
        self._title_row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self._title_row.addWidget(self.title, 1)
        self._column_layout.insertLayout(0, self._title_row)

    def add_take_home(self, code: QWidget) -> None:
        """The page's QR code (ui/widgets/qr_code.py), under the text; the text gives up
        its height."""
        self.take_home = code
        self._column_layout.addWidget(code, 0)

    def _fit_title(self, width: int, lines: int) -> int:
        """The title's size for ``width`` (see PageTitle.fit) and the height it takes with
        the Listen button."""
        row = self._title_row
        if self.listen is None or row is None:
            return self.title.fit(width, lines)
        button = self.listen.sizeHint()
        gap = self._metrics.margin // 2
        height = self.title.fit(width - button.width() - gap, lines)
        font = QFont(self.title.font())
        font.setPixelSize(self.title.pixel_size)
        if height <= QFontMetrics(font).lineSpacing() * TITLE_LINES + 1:
            row.setDirection(QBoxLayout.Direction.RightToLeft)
            row.setAlignment(self.listen, Qt.AlignmentFlag.AlignTop)
            return max(height, button.height())
        row.setDirection(QBoxLayout.Direction.BottomToTop)
        row.setAlignment(self.listen, Qt.AlignmentFlag.AlignLeft)
        return self.title.fit(width, lines) + button.height() + gap

    @property
    def is_portrait(self) -> bool:
        return self._layout.direction() == QBoxLayout.Direction.TopToBottom

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit(event.size().width(), event.size().height())
        super().resizeEvent(event)

    def _fit(self, width: int, height: int) -> None:
        """Share the page between picture and words for this size (see the module's note)."""
        m = self._metrics
        portrait = height > width
        self._layout.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                                  else QBoxLayout.Direction.LeftToRight)
        larger = m.percent > 100
        share = PICTURE_SHARE_LARGER if larger else PICTURE_SHARE
        inner_w = width - 2 * m.margin
        inner_h = height - m.margin  # top and bottom margins are margin / 2 each
        if self.take_home is not None:
            inner_h -= self.take_home.sizeHint().height() + m.margin // 2
        gap = m.margin  # between picture and words
        spacing = m.margin // 2  # between title and text
        # The urgent page in landscape: no picture, and its lists in two columns.
        picture_w = 0 if self.urgent or portrait else self._picture_width(
            inner_w, inner_h - spacing, round(inner_w * share), larger)
        if self.urgent and self._two_columns == portrait:
            self._two_columns = not portrait
            self.text.setHtml(two_columns(self._html) if self._two_columns else self._html)
        text_w = inner_w - (picture_w + gap if picture_w else 0)
        # Landscape at larger text has height to spare for nothing: a one-line title if a
        # slightly smaller size allows it.
        title_h = self._fit_title(text_w, 1 if larger and not portrait else TITLE_LINES)
        text_h = inner_h - title_h - spacing
        if self.urgent and not self._fit_urgent_text(text_w, text_h):
            # The whole list comes before a large title: one line if a smaller size allows.
            title_h = self.title.fit(text_w, 1)
            text_h = inner_h - title_h - spacing
            self._fit_urgent_text(text_w, text_h)
        if portrait:
            heights = self.text.height_at(text_w, self.text_px)
            doc_h = heights.total
            screen_h = self.window().height() if self.window() is not self else height
            needed = max(min(doc_h, TEXT_SCREEN_SHARE * screen_h),
                         heights.first_paragraph + 4)
            picture_h = int(min(inner_h * share, text_h - gap - needed))
            if self.urgent:
                picture_h = int(min(picture_h, text_h - gap - doc_h))
            self._size_picture(0, picture_h if picture_h >= MIN_PICTURE else 0)
        else:
            self._size_picture(picture_w, 0)

    def _picture_width(self, inner_w: int, room_h: int, widest: int, larger: bool) -> int:
        """The picture's width beside the words (``room_h``: the height for title and
        text): as wide as ``widest`` if all the words fit beside it, else narrower (never
        under a quarter of the width) so they fit without a scroll bar, else none if that
        makes them fit. When they cannot fit at all, it stays, unless at larger text it would
        push the first paragraph below the fold."""
        gap = self._metrics.margin
        lines = 1 if larger else TITLE_LINES

        def heights(picture_w: int) -> tuple[TextHeights, int]:
            text_w = inner_w - (picture_w + gap if picture_w else 0)
            return (self.text.height_at(text_w, self.text_px),
                    room_h - self._fit_title(text_w, lines))

        def fits(picture_w: int) -> bool:
            text, text_h = heights(picture_w)
            return text.total <= text_h - 2

        if fits(widest):
            return widest
        narrowest = min(widest, round(inner_w * PICTURE_SHARE_LARGER))
        if fits(narrowest):
            low, high = narrowest, widest  # fits at low, not at high
            while high - low > 8:
                middle = (low + high) // 2
                low, high = (middle, high) if fits(middle) else (low, middle)
            return low
        if fits(0):
            return 0
        text, text_h = heights(widest)
        # Beside a long first paragraph the picture goes: the words must come first.
        return 0 if larger and text.first_paragraph > text_h - 4 else widest

    def _size_picture(self, width: int, height: int) -> None:
        """A fixed width (landscape) or height (portrait); 0 leaves the picture out."""
        picture = self.illustration
        picture.setMinimumSize(0, 0)
        picture.setMaximumSize(MAX_WIDGET, MAX_WIDGET)
        if width:
            picture.setFixedWidth(width)
        elif height:
            picture.setFixedHeight(height)
        # Hide only once the page has a parent (a parentless widget shown opens a window).
        picture.setVisible(bool(width or height))

    def _fit_urgent_text(self, width: int, height: int) -> bool:
        """The largest text size, from the patient's choice down to normal, at which the
        whole text (every warning sign and the last sentence) is on screen without scrolling;
        False if even normal text needs to scroll."""
        m = self._metrics
        normal = round(m.body_px * 100 / m.percent)
        chosen = normal
        low, high = normal, m.body_px
        while low <= high:
            size = (low + high) // 2
            if self.text.height_at(width, size).total <= height - 2:
                chosen, low = size, size + 1
            else:
                high = size - 1
        if chosen != self.text_px:
            self.text_px = chosen
            self.text.setStyleSheet(f"font-size: {chosen}px;")
        return chosen > normal or self.text.height_at(width, chosen).total <= height - 2

    def scroll_to_top(self) -> None:
        QScroller.scroller(self.text.viewport()).stop()
        self.text.verticalScrollBar().setValue(0)
