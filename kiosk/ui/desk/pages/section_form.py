"""One section as a form: title, picture (an ordinary file dialog; the picture is checked by
the same rules as `kiosk check` before it is taken), picture description, order, the review
fields (left empty unless a clinician fills them in), and the body. A problem the check
reports at a field's line is shown under that field; body problems beside their line."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.content.files import IMAGES_FOLDER
from kiosk.content.images import check_image
from kiosk.content.section_draft import SectionDraft
from kiosk.content.versions import sha256_of
from kiosk.ui.desk.pages.body_editor import BodyEditor, LineProblem

# The fields with a row in the form (more_info, the QR code's address, is kept as it is; its
# problems show under the title).
FIELDS = ("title", "image", "image_alt", "order", "reviewed_by", "reviewed_on", "sources")
PICTURE_FILTER = "Pictures (*.svg *.png *.jpg *.jpeg *.webp)"


def _note() -> QLabel:
    label = QLabel()
    label.setObjectName("FieldProblem")
    label.setWordWrap(True)
    label.setStyleSheet("color: #8E1F24;")
    label.hide()
    return label


class SectionForm(QWidget):
    changed = Signal()
    # A picture was refused: the reason in plain words.
    pictureRefused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder: Path | None = None
        self.title = QLineEdit()
        self.picture = QLabel("(no picture)")
        self.picture.setObjectName("PictureName")
        self.choose_picture = QPushButton("Choose picture…")
        self.image_alt = QPlainTextEdit()
        self.image_alt.setMaximumHeight(80)
        self.image_alt.setPlaceholderText("Say what the picture shows, for people who "
                                          "cannot see it")
        self.order = QSpinBox()
        self.order.setRange(0, 9999)
        self.reviewed_by = QLineEdit()
        self.reviewed_by.setPlaceholderText("Left empty until a clinician reviews the page")
        self.reviewed_on = QLineEdit()
        self.reviewed_on.setPlaceholderText("YYYY-MM-DD, filled in by the clinician")
        self.sources = QPlainTextEdit()
        self.sources.setMaximumHeight(70)
        self.sources.setPlaceholderText("One source a line: its title, then its web address")
        self.body = BodyEditor()
        self.notes = {name: _note() for name in FIELDS}
        self._image = ""
        self._more_info = ""
        self._loading = False
        # The seam tests use instead of the dialog: given the dialog, it opens it.
        self.open_dialog: Callable[[QFileDialog], None] = QFileDialog.open

        picture_row = QHBoxLayout()
        picture_row.addWidget(self.picture, 1)
        picture_row.addWidget(self.choose_picture)
        form = QFormLayout()
        for label, widget, name in (
                ("Title", self.title, "title"), ("Picture", picture_row, "image"),
                ("Picture description", self.image_alt, "image_alt"),
                ("Order", self.order, "order"),
                ("Reviewed by", self.reviewed_by, "reviewed_by"),
                ("Reviewed on", self.reviewed_on, "reviewed_on"),
                ("Sources", self.sources, "sources")):
            column = QVBoxLayout()
            if isinstance(widget, QHBoxLayout):
                column.addLayout(widget)
            else:
                column.addWidget(widget)
            column.addWidget(self.notes[name])
            form.addRow(label, column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(QLabel("Text"))
        layout.addWidget(self.body, 1)

        for edit in (self.title, self.reviewed_by, self.reviewed_on):
            edit.textChanged.connect(self._edited)
        for text in (self.image_alt, self.sources):
            text.textChanged.connect(self._edited)
        self.order.valueChanged.connect(self._edited)
        self.body.changed.connect(self._edited)
        self.choose_picture.clicked.connect(self._pick_picture)

    def _edited(self) -> None:
        if not self._loading:
            self.changed.emit()

    def load(self, draft: SectionDraft, folder: Path) -> None:
        """Show ``draft`` (a page of the content folder ``folder``)."""
        self.folder = folder
        self._loading = True
        try:
            self.title.setText(draft.title)
            self._set_image(draft.image)
            self.image_alt.setPlainText(draft.image_alt)
            self.order.setValue(draft.order or 0)
            self.reviewed_by.setText(draft.reviewed_by)
            self.reviewed_on.setText(draft.reviewed_on)
            self.sources.setPlainText("\n".join(draft.sources))
            self._more_info = draft.more_info
            self.body.set_text(draft.body)
        finally:
            self._loading = False

    def draft(self) -> SectionDraft:
        return SectionDraft(
            title=self.title.text().strip(), image=self._image,
            image_alt=" ".join(self.image_alt.toPlainText().split()),
            order=self.order.value() or None, reviewed_by=self.reviewed_by.text().strip(),
            reviewed_on=self.reviewed_on.text().strip(),
            sources=[line.strip() for line in self.sources.toPlainText().splitlines()
                     if line.strip()],
            more_info=self._more_info, body=self.body.text())

    def _set_image(self, name: str) -> None:
        self._image = name
        self.picture.setText(name or "(no picture)")

    # The picture: an ordinary file dialog, then the check's own rules ---------------------

    def _pick_picture(self) -> None:
        start = str(self.folder / IMAGES_FOLDER) if self.folder else ""
        dialog = QFileDialog(self, "Choose a picture", start, PICTURE_FILTER)
        dialog.setObjectName("DeskChoosePicture")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.take_picture(Path(name)))
        dialog.finished.connect(dialog.deleteLater)
        self.open_dialog(dialog)

    def take_picture(self, path: Path) -> bool:
        """Check ``path`` as `kiosk check` would; if it passes, copy it into the content
        folder's pictures (never over a different picture of the same name) and use it."""
        reason = check_image(path)
        if reason is not None:
            message = f"{path.name} cannot be used: {reason}"
            self.notes["image"].setStyleSheet("color: #8E1F24;")
            self.notes["image"].setText(message)
            self.notes["image"].show()
            self.pictureRefused.emit(message)
            return False
        if self.folder is None:
            return False
        images = self.folder / IMAGES_FOLDER
        images.mkdir(exist_ok=True)
        target = images / path.name
        number = 1
        while target.exists() and sha256_of(target) != sha256_of(path):
            number += 1
            target = images / f"{path.stem}-{number}{path.suffix}"
        if not target.exists():
            shutil.copyfile(path, target)
        self._set_image(target.name)
        self.notes["image"].hide()
        self.changed.emit()
        return True

    # Problems -----------------------------------------------------------------------------

    def show_problems(self, by_field: dict[str, list[str]], body: Sequence[LineProblem]) -> None:
        by_field = dict(by_field)
        for name in [n for n in by_field if n not in self.notes]:
            by_field.setdefault("title", []).extend(by_field.pop(name))
        for name, note in self.notes.items():
            if name == "image" and note.isVisible() and "cannot be used" in note.text() \
                    and not by_field.get(name):
                continue  # a refused picture's reason stays until another is chosen
            messages = by_field.get(name, [])
            advice_only = all(m.startswith("Advice: ") for m in messages)
            note.setStyleSheet(f"color: {'#8A6100' if advice_only else '#8E1F24'};")
            note.setText("\n".join(messages))
            note.setVisible(bool(messages))
        self.body.show_problems(body)

