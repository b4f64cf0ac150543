"""'All topics': one big button per section, with its picture, to jump straight there."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor, ThreadPoolExecutor

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.content.model import Section
from kiosk.ui.input.touch import make_touch_scrollable
from kiosk.ui.pages.section import URGENT_SLUG
from kiosk.ui.services import pictures
from kiosk.ui.widgets import icons
from kiosk.ui.widgets.theme import Metrics


class TopicButton(QPushButton):
    """A button whose title wraps onto two lines, with the section's picture beside it."""

    def __init__(self, number: int, section: Section, icon_px: int,
                 pictures_from: Executor | None = None, parent: QWidget | None = None,
                 urgent_colour: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("Topic")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(section.title)
        self.section = section
        # The urgent page's tile stands out by more than colour: first, across the whole
        # width, square corners, a thicker border and a warning sign.
        self.urgent = section.slug == URGENT_SLUG
        self.setProperty("urgent", self.urgent)
        icon = QLabel()
        icon.setFixedSize(icon_px, icon_px)
        icon.setAccessibleName(section.image_alt)
        # Pictures are drawn on a worker thread: 30 sections of photos would otherwise hold
        # the screen still for a second each time the content or the language changes.
        self._picture = pictures.BackgroundPicture(self)
        self._picture.ready.connect(icon.setPixmap)
        ready = self._picture.start(section.image, QSize(icon_px, icon_px),
                                    self.devicePixelRatioF(), executor=pictures_from)
        if ready is not None:
            icon.setPixmap(ready)
        text = QLabel(f"{number}. {section.title}")
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        text.setObjectName("TopicText")
        for label in (icon, text):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        row.setSpacing(20)
        row.addWidget(icon)
        if self.urgent and urgent_colour:
            sign = QLabel()
            side = round(icon_px * 0.5)
            sign.setPixmap(icons.warning(urgent_colour, side, self.devicePixelRatioF())
                           .pixmap(QSize(side, side), self.devicePixelRatioF()))
            sign.setFixedSize(side, side)
            sign.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            row.addWidget(sign)
        row.addWidget(text, 1)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    # A button's own size ignores the labels inside it; ask their layout, so a long title at
    # larger text makes the button taller instead of being cut off.
    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        needed = layout.totalHeightForWidth(width) if layout is not None else 0
        return max(needed, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Grid rows do not always ask a button for its height at its final width.
        self.setMinimumHeight(self.heightForWidth(self.width()))


class TopicsPage(QWidget):
    topicTapped = Signal(int)

    def __init__(self, strings: Mapping[str, str], metrics: Metrics,
                 parent: QWidget | None = None, urgent_colour: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._metrics = metrics
        self._urgent_colour = urgent_colour
        self._buttons: list[TopicButton] = []
        # One worker draws every button's picture, in order, off the UI thread.
        drawer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="topic-pictures")
        self.destroyed.connect(lambda: drawer.shutdown(wait=False, cancel_futures=True))
        self._drawer = drawer
        self._columns = 0
        title = QLabel(strings["topics_title"])
        title.setObjectName("PageTitle")
        hint = QLabel(strings["topics_hint"])
        hint.setObjectName("Hint")
        self._grid_host = QWidget()
        self._grid_host.setObjectName("Page")
        self._grid = QGridLayout(self._grid_host)
        self._grid.setSpacing(metrics.margin // 2)
        self._grid.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._grid_host)
        make_touch_scrollable(scroll)
        self.scroll_area = scroll

        layout = QVBoxLayout(self)
        layout.setContentsMargins(metrics.margin, metrics.margin // 2,
                                  metrics.margin, metrics.margin // 2)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(scroll, 1)

    def scroll_to_top(self) -> None:
        self.scroll_area.verticalScrollBar().setValue(0)

    @property
    def buttons(self) -> list[TopicButton]:
        return list(self._buttons)

    def set_sections(self, sections: tuple[Section, ...]) -> None:
        old = self.use_buttons([self.new_button(i, s) for i, s in enumerate(sections)])
        for button in old:
            button.deleteLater()

    def new_button(self, index: int, section: Section) -> TopicButton:
        """The button for section number ``index``, not shown until ``use_buttons``.

        A child of this page from the start (hidden until the grid takes it): a build in
        slices that never finishes (the kiosk closed during a reload) leaves no widget of
        its own behind."""
        button = TopicButton(index + 1, section, round(self._metrics.button_height * 1.3),
                             self._drawer, self, urgent_colour=self._urgent_colour)
        button.clicked.connect(lambda _checked=False, i=index: self.topicTapped.emit(i))
        return button

    def use_buttons(self, buttons: list[TopicButton]) -> list[TopicButton]:
        """Show ``buttons`` instead of the current ones, which are returned hidden, for the
        caller to delete."""
        old = self._buttons
        for button in old:
            self._grid.removeWidget(button)
            button.hide()
        self._buttons = list(buttons)
        self._columns = 0
        self._arrange()
        return old

    def mark_current(self, index: int) -> None:
        for i, button in enumerate(self._buttons):
            button.setProperty("current", i == index)
            button.style().unpolish(button)
            button.style().polish(button)

    def _arrange(self) -> None:
        # Four across in landscape: with the urgent tile on a row of its own, every topic
        # still fits the screen at normal text without scrolling.
        columns = 4 if self.width() > self.height() else 2
        # Larger text: fewer, wider buttons, so no title needs more lines than a button has.
        if self._metrics.percent >= 200:
            columns = 1
        elif self._metrics.percent > 100:
            columns -= 1
        if columns == self._columns:
            return
        self._columns = columns
        for button in self._buttons:
            self._grid.removeWidget(button)
        urgent = [b for b in self._buttons if b.urgent]
        others = [b for b in self._buttons if not b.urgent]
        for button in urgent:
            self._grid.addWidget(button, 0, 0, 1, columns)
        first = len(urgent)
        for index, button in enumerate(others):
            self._grid.addWidget(button, first + index // columns, index % columns)
        self._grid.setRowStretch(first + len(others) // columns + 1, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()
