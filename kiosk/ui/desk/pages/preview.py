"""What patients will see, drawn by the kiosk's own page widget (`SectionPage`) at the
kiosk's screen size and text size, then scaled down: English and Spanish side by side, in
landscape or portrait, at 100% or 200% text. Not an imitation: the very widget, style sheet
and document CSS the kiosk uses, so a title that needs a third line or a picture that gives
way at 200% shows here first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import CHECK_MARK, Theme
from kiosk.content.changes import LANGUAGE_NAMES
from kiosk.content.model import Section
from kiosk.ui.pages.section import SectionPage
from kiosk.ui.widgets.theme import Metrics, document_css, style_sheet

LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)
# The widest a portrait page is shown (a landscape one up to twice that), in pixels.
PANE_WIDTH = 460


class PagePreview(QWidget):
    rendered = Signal()

    def __init__(self, theme: Theme, languages: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self.languages = languages
        self._sections: Mapping[str, Section | None] = {}
        self.caption = QLabel()
        self.caption.setObjectName("PreviewCaption")
        self.caption.setWordWrap(True)
        self.landscape = QRadioButton("Landscape")
        self.portrait = QRadioButton("Portrait")
        self.normal = QRadioButton("100% text")
        self.larger = QRadioButton("200% text")
        self.landscape.setChecked(True)
        self.normal.setChecked(True)
        shape, size = QButtonGroup(self), QButtonGroup(self)
        for group, buttons in ((shape, (self.landscape, self.portrait)),
                               (size, (self.normal, self.larger))):
            for button in buttons:
                group.addButton(button)
                button.toggled.connect(self._redraw_if_checked)
        # Two rows, so the preview still fits beside the form on a portrait screen.
        controls = QVBoxLayout()
        for pair in ((self.landscape, self.portrait), (self.normal, self.larger)):
            row = QHBoxLayout()
            for button in pair:
                row.addWidget(button)
            row.addStretch(1)
            controls.addLayout(row)
        self.panes: dict[str, QLabel] = {}
        self.titles: dict[str, QLabel] = {}
        # What each pane's page widget holds (its title and text), for staff and tests.
        self.shown_text: dict[str, str] = {}
        # Each page as drawn at the kiosk's size, scaled to its pane on every resize.
        self.shots: dict[str, QPixmap] = {}
        # What each pane was drawn from (the section, screen and text size): a page that has
        # not changed is not drawn again (each takes 35-60 ms on the UI thread).
        self._drawn: dict[str, tuple[Section, tuple[int, int], int]] = {}
        row = QHBoxLayout()
        for language in languages:
            column = QVBoxLayout()
            title = QLabel(LANGUAGE_NAMES.get(language, language))
            title.setObjectName("PreviewLanguage")
            pane = QLabel()
            pane.setObjectName(f"Preview-{language}")
            pane.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
            pane.setMinimumWidth(120)
            column.addWidget(title)
            column.addWidget(pane, 1)
            row.addLayout(column)
            self.panes[language] = pane
            self.titles[language] = title
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.caption)
        layout.addLayout(row, 1)

    def _redraw_if_checked(self, checked: bool) -> None:
        if checked:
            self.redraw()

    @property
    def screen_size(self) -> tuple[int, int]:
        return LANDSCAPE if self.landscape.isChecked() else PORTRAIT

    @property
    def text_percent(self) -> int:
        return 200 if self.larger.isChecked() else 100

    def show_sections(self, sections: Mapping[str, Section | None], caption: str = "") -> None:
        """``language -> section`` (None: that language has no page; the kiosk shows the
        default language's, and so does the preview, saying so)."""
        self._sections = sections
        self.caption.setText(caption)
        self.redraw()

    def redraw(self) -> None:
        fallback = next((s for s in self._sections.values() if s is not None), None)
        for language in self.languages:
            section = self._sections.get(language)
            name = LANGUAGE_NAMES.get(language, language)
            if section is None and fallback is not None:
                self.titles[language].setText(f"{name}: no page yet, patients see the "
                                              f"{LANGUAGE_NAMES.get(fallback.language, '')} one")
                section = replace(fallback, language=language)
            else:
                self.titles[language].setText(name)
            if section is None:
                self.panes[language].clear()
                self.shots.pop(language, None)
                self._drawn.pop(language, None)
                self.shown_text[language] = ""
                continue
            key = (section, self.screen_size, self.text_percent)
            if self._drawn.get(language) == key:
                continue
            self.shots[language], self.shown_text[language] = self._draw(section)
            self._drawn[language] = key
        self._fit_shots()
        self.rendered.emit()

    def _fit_shots(self) -> None:
        """Each page as large as its pane allows (a portrait page as tall as the pane's
        width allows a landscape one), never larger than drawn."""
        room = max(120, (self.width() - 40) // max(1, len(self.languages)) - 12)
        for language, shot in self.shots.items():
            landscape = shot.width() >= shot.height()
            width = min(room, PANE_WIDTH * 2) if landscape else min(room, PANE_WIDTH)
            self.panes[language].setPixmap(shot.scaledToWidth(
                min(width, shot.width()), Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_shots()

    def _draw(self, section: Section) -> tuple[QPixmap, str]:
        """The kiosk's page for ``section`` at the chosen screen and text size."""
        metrics = Metrics.for_theme(self._theme, self.text_percent)
        width, height = self.screen_size
        # The header and the nav bar take their share of the screen on the kiosk too.
        page_height = height - 2 * metrics.chrome_height
        page = SectionPage(section, document_css(self._theme, metrics), metrics,
                           landscape=width >= height)
        try:
            page.setStyleSheet(style_sheet(self._theme, metrics, CHECK_MARK.as_posix()))
            page.resize(width, page_height)
            page.grab()  # lays it out and asks for the picture at its size
            page.illustration.has_picture  # noqa: B018 - waits for the picture to be drawn
            shot = page.grab()
            text = f"{page.title.text()}\n{page.text.toPlainText()}"
        finally:
            shiboken6.delete(page)
        return shot, text
