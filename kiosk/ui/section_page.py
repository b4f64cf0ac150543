"""One section: its title, its illustration and its text, laid out for the screen's shape.

Landscape puts the picture beside the text, portrait puts it above. The text scrolls by
dragging (QScroller) and never selects; links are handed to the window, never followed here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QScroller,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kiosk.content.model import Section
from kiosk.ui.illustration import Illustration
from kiosk.ui.theme import Metrics
from kiosk.ui.touch import make_touch_scrollable

# How the page is shared between the picture and the title with the text, in parts.
PICTURE_SHARE = 2
TEXT_SHARE = 3


class SectionText(QTextBrowser):
    """Read-only rich text that scrolls by touch and reports link taps instead of following."""

    linkTapped = Signal(str)

    def __init__(self, html: str, css: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.document().setDefaultStyleSheet(css)
        self.document().setDocumentMargin(8)
        self.setHtml(html)
        self.anchorClicked.connect(self._on_anchor)
        make_touch_scrollable(self)

    def _on_anchor(self, url: QUrl) -> None:
        self.linkTapped.emit(url.toString())


class SectionPage(QWidget):
    linkTapped = Signal(str)

    def __init__(self, section: Section, css: str, metrics: Metrics,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.section = section
        self.illustration = Illustration(section.image, section.image_alt)
        self.title = QLabel(section.title)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # never rich text from a file
        self.title.setObjectName("PageTitle")
        self.title.setWordWrap(True)
        self.text = SectionText(section.html, css)
        self.text.setAccessibleName(section.title)
        self.text.linkTapped.connect(self.linkTapped)

        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(metrics.margin // 2)
        column_layout.addWidget(self.title)
        column_layout.addWidget(self.text, 1)

        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(metrics.margin, metrics.margin // 2,
                                        metrics.margin, metrics.margin // 2)
        self._layout.setSpacing(metrics.margin)
        self._layout.addWidget(self.illustration, PICTURE_SHARE)
        self._layout.addWidget(column, TEXT_SHARE)
        self._text_percent = metrics.percent

    @property
    def is_portrait(self) -> bool:
        return self._layout.direction() == QBoxLayout.Direction.TopToBottom

    def resizeEvent(self, event: QResizeEvent) -> None:
        portrait = event.size().height() > event.size().width()
        direction = (QBoxLayout.Direction.TopToBottom if portrait
                     else QBoxLayout.Direction.LeftToRight)
        if self._layout.direction() != direction:
            self._layout.setDirection(direction)
            # Larger text in portrait: the picture above gives up room, or the screen would
            # show three lines of text under it (and a long scroll for one idea).
            picture = 1 if portrait and self._text_percent > 100 else PICTURE_SHARE
            self._layout.setStretch(0, picture)
        super().resizeEvent(event)

    def scroll_to_top(self) -> None:
        QScroller.scroller(self.text.viewport()).stop()
        self.text.verticalScrollBar().setValue(0)
