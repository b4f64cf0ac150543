"""The desk app's Pages view: edit the clinic's pages, see them as patients will, publish.

Built from a content folder (the desk's drafts, a complete content folder) and a version
store (a shared folder or a USB stick's ``kiosk-pages``; the clinic server's store later),
so it runs and is tested without the desk window. Each edit is saved into the draft folder
after a short pause, drawn at once by the kiosk's own page widget, and checked off the UI
thread by the full `kiosk check`; Publish stays off while an error stands. Publishing keeps
the folder as the store's next numbered, immutable version; History previews any version
and puts one back with one click. What touches the version store is `Publisher`'s; where a
problem sits, `problem_places`; what the preview draws, `draft_sections`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Settings
from kiosk.content.changes import LANGUAGE_NAMES
from kiosk.content.draft_folder import DraftFolder
from kiosk.content.loader import LoadResult
from kiosk.content.markdown_body import SECTION_SCHEME, SIGNUP_TARGET
from kiosk.content.section_draft import read_draft, slug_of
from kiosk.content.versions import VersionInfo, VersionStore
from kiosk.ui.desk.pages.draft_check import DraftCheck
from kiosk.ui.desk.pages.draft_sections import draft_sections
from kiosk.ui.desk.pages.history import HistoryPanel
from kiosk.ui.desk.pages.preview import PagePreview
from kiosk.ui.desk.pages.problem_places import problems_on, where
from kiosk.ui.desk.pages.publisher import Publisher
from kiosk.ui.desk.pages.section_form import SectionForm

log = logging.getLogger(__name__)
SAVE_PAUSE_MS = 250
REDRAW_PAUSE_MS = 120


class PagesView(QWidget):
    published = Signal(object)  # VersionInfo

    def __init__(self, settings: Settings, folder: Path, store: VersionStore, author: str,
                 parent: QWidget | None = None, *, check_pause_ms: int = 300) -> None:
        super().__init__(parent)
        self.setObjectName("PagesView")
        self._settings = settings
        self.folder = folder
        self.store = store
        self.author = author
        self.language = settings.default_language
        self.current: Path | None = None
        # The file the form holds now: saving writes there and nowhere else.
        self._loaded: Path | None = None
        self._result: LoadResult | None = None
        self._confirm_remove = False
        self.drafts = DraftFolder(folder, settings.languages, settings.default_language)
        self.check = DraftCheck(settings, folder, check_pause_ms, self)
        self.check.checked.connect(self._checked)
        self.publisher = Publisher(settings, folder, store, author, self)
        self.publisher.said.connect(self._say)
        self.publisher.published.connect(self._published)
        self.publisher.ended.connect(self._publish_ended)
        self._save = QTimer(self)
        self._save.setSingleShot(True)
        self._save.setInterval(SAVE_PAUSE_MS)
        self._save.timeout.connect(self.save_now)
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_PAUSE_MS)
        self._redraw.timeout.connect(self.draw_preview)

        # Left: the pages, their Spanish state, and what can be done with them.
        self.editing = QComboBox()
        for language in settings.languages:
            self.editing.addItem(f"Editing: {LANGUAGE_NAMES.get(language, language)}", language)
        self.sections = QListWidget()
        self.sections.setObjectName("Sections")
        self.sections.setWordWrap(True)
        self.add = QPushButton("Add a page")
        self.remove = QPushButton("Remove page")
        self.up = QPushButton("Move up")
        self.down = QPushButton("Move down")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.editing)
        left_layout.addWidget(self.sections, 1)
        row = QHBoxLayout()
        for button in (self.up, self.down):
            row.addWidget(button)
        left_layout.addLayout(row)
        row = QHBoxLayout()
        for button in (self.add, self.remove):
            row.addWidget(button)
        left_layout.addLayout(row)

        self.form = SectionForm()
        self.preview = PagePreview(settings.theme, settings.languages)
        self.history = HistoryPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.preview, "Preview")
        self.tabs.addTab(self.history, "History")

        # Bottom: the note, a start time, Publish and what it says.
        self.note = QLineEdit()
        self.note.setPlaceholderText("What changed, in a few words (shown in History)")
        self.starts = QCheckBox("Start at")
        self.start_time = QDateTimeEdit(QDateTime.currentDateTime().addDays(1))
        self.start_time.setCalendarPopup(True)
        self.start_time.setEnabled(False)
        self.starts.toggled.connect(self.start_time.setEnabled)
        self.publish = QPushButton("Publish")
        self.publish.setObjectName("Primary")
        self.publish.setEnabled(False)
        self.status = QLabel()
        self.status.setObjectName("PagesStatus")
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Note"))
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.starts)
        bottom.addWidget(self.start_time)
        bottom.addWidget(self.publish)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.form)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)

        self.editing.currentIndexChanged.connect(self._language_chosen)
        self.sections.currentRowChanged.connect(self._section_chosen)
        self.form.changed.connect(self._edited)
        self.form.pictureRefused.connect(self._say)
        self.add.clicked.connect(self.add_page)
        self.remove.clicked.connect(self.remove_page)
        self.up.clicked.connect(lambda: self.move_page(-1))
        self.down.clicked.connect(lambda: self.move_page(1))
        self.publish.clicked.connect(self.publish_now)
        self.history.previewRequested.connect(self.preview_version)
        self.history.republishRequested.connect(self.republish)
        self.refresh_sections()
        self.refresh_history()
        self.check.check_now()

    @property
    def settled(self) -> bool:
        """Saved, drawn and checked: what the view shows belongs to the newest words."""
        return (self.check.last is not None and not self.check.busy
                and not self._save.isActive() and not self._redraw.isActive()
                and not self.publisher.busy)

    # The pages --------------------------------------------------------------------------

    def _item_text(self, path: Path, errors: set[Path]) -> str:
        text = self.drafts.title(path)
        if self.language == self._settings.default_language:
            text += f"\n    {self.drafts.translation_state(path)}"
        return "\u26a0 " + text if path in errors else text

    def _errors(self) -> set[Path]:
        return {p.path for p in (self._result.errors if self._result else [])}

    def refresh_sections(self) -> None:
        keep = self.current
        self.sections.blockSignals(True)
        self.sections.clear()
        errors = self._errors()
        for path in self.drafts.pages(self.language):
            item = QListWidgetItem(self._item_text(path, errors))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.sections.addItem(item)
            if path == keep:
                self.sections.setCurrentItem(item)
        if self.sections.currentItem() is None and self.sections.count():
            self.sections.setCurrentRow(0)
        self.sections.blockSignals(False)
        item = self.sections.currentItem()
        chosen = Path(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None
        if chosen != self._loaded:
            self._show(chosen)
        targets = [(self.drafts.title(p), f"{SECTION_SCHEME}{slug_of(p)}")
                   for p in self.drafts.pages(self._settings.default_language)]
        self.form.body.set_targets([*targets, ("The sign-up form", SIGNUP_TARGET)])

    def _language_chosen(self, _index: int) -> None:
        self.save_now()
        self.language = str(self.editing.currentData())
        english = self.current
        self.current = self.drafts.partner(english, self.language) if english else None
        self.refresh_sections()

    def _section_chosen(self, row: int) -> None:
        self.save_now()
        item = self.sections.item(row)
        if item is not None:
            self._show(Path(item.data(Qt.ItemDataRole.UserRole)))

    def _show(self, path: Path | None) -> None:
        """Put ``path`` in the form (nothing is saved here: see `save_now`)."""
        self._save.stop()
        self.current = self._loaded = path
        self._confirm_remove = False
        self.remove.setText("Remove page")
        if path is None:
            return
        self.form.load(read_draft(path.read_text(encoding="utf-8")), self.folder)
        self._show_problems()
        self.draw_preview()

    # Typing: save after a pause, draw at once, check off the UI thread --------------------

    def _edited(self) -> None:
        self._save.start()
        # Drawn once typing pauses: a page takes 35-60 ms to draw, too long per key.
        self._redraw.start()
        self.publish.setEnabled(False)  # until the check has seen these words

    def save_now(self) -> None:
        """Write the form into the file it was loaded from, if it changed."""
        self._save.stop()
        loaded = self._loaded
        if loaded is None or not loaded.exists():
            return
        text = self.form.draft().text()
        if loaded.read_text(encoding="utf-8") != text:
            loaded.write_text(text, encoding="utf-8")
            self.check.soon()
            item = self.sections.currentItem()
            if item is not None and Path(item.data(Qt.ItemDataRole.UserRole)) == loaded:
                item.setText(self._item_text(loaded, self._errors()))

    def draw_preview(self) -> None:
        if self.current is None:
            return
        self.preview.show_sections(draft_sections(self.drafts, self._settings, self.folder,
                                                  self.current, self.language,
                                                  self.form.draft()))

    def _checked(self, result: LoadResult) -> None:
        self._result = result
        self._show_problems()
        self.refresh_sections()
        errors = result.errors
        self.publish.setEnabled(not errors and not self.check.busy)
        if errors:
            first = errors[0]
            self.status.setText(
                f"Publish is off until every problem is fixed ({len(errors)} left). "
                f"First: {where(first.path, first.line, self.folder)}: {first.message}")
        else:
            self.status.setText("Every page checks out. Write a note and publish.")

    def _show_problems(self) -> None:
        result, current = self._result, self.current
        if result is None or current is None:
            return
        found = problems_on(result, current)
        if found is not None:
            self.form.show_problems(*found)

    def _say(self, message: str) -> None:
        self.status.setText(message)

    # Adding, removing, reordering -------------------------------------------------------

    def add_page(self) -> None:
        self.save_now()
        self.current = self.drafts.new_page(self.language)
        self.refresh_sections()
        self.check.check_now()

    def remove_page(self) -> None:
        if self.current is None:
            return
        if not self._confirm_remove:
            self._confirm_remove = True
            self.remove.setText("Click again to remove")
            return
        self._save.stop()
        self.current.unlink(missing_ok=True)
        self.current = self._loaded = None
        self._confirm_remove = False
        self.remove.setText("Remove page")
        self.refresh_sections()
        self.check.check_now()

    def move_page(self, step: int) -> None:
        """Swap this page's place with its neighbour's, in every language."""
        self.save_now()
        if self.current is None or not self.drafts.swap(self.current, step, self.language):
            return
        self._loaded = None  # the form's order is stale: load the page again
        self.refresh_sections()
        self.check.check_now()

    # Publishing and history: the store's side is the Publisher's -----------------------

    def publish_now(self) -> None:
        self.save_now()
        if self.check.busy or self._result is None or self._result.errors:
            return
        note = self.note.text().strip() or "pages changed"
        chosen = self.start_time.dateTime().toPython()
        starts = (chosen.astimezone() if self.starts.isChecked()
                  and isinstance(chosen, datetime) else None)
        if self.publisher.publish(note, starts):
            self.publish.setEnabled(False)

    def _published(self, version: VersionInfo) -> None:
        self.note.clear()
        self.published.emit(version)

    def _publish_ended(self) -> None:
        self.refresh_history()
        self.publish.setEnabled(bool(self._result and not self._result.errors))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_history()  # another desk may have published; the server may be back

    def refresh_history(self) -> None:
        history = self.publisher.history()
        if history is None:
            return
        if history.started:  # the store was away when the view opened on empty drafts
            self.refresh_sections()
            self.check.check_now()
        self.history.show_history(history.versions, history.live)

    def preview_version(self, number: int) -> None:
        """Show version ``number``'s page for the slug being edited (read-only)."""
        slug = slug_of(self.current) if self.current else None
        caption = f"Version {number}, as published (editing is not changed)"
        if self.publisher.show_version(
                number, slug, lambda sections: self.preview.show_sections(sections, caption)):
            self.tabs.setCurrentWidget(self.preview)

    def republish(self, number: int) -> None:
        """One click: version ``number``'s files become the next version."""
        self.publisher.republish(number)

    def open_version(self, number: int) -> None:
        """Replace the drafts with version ``number``'s files (to edit from it)."""
        if not self.publisher.into_drafts(number):
            return
        self.current = self._loaded = None
        self.refresh_sections()
        self.check.check_now()

    def stop(self) -> None:
        self.save_now()
        self.check.stop()
        self.publisher.join(30)
