"""The desk's ordinary dialogs, all opened with ``open()`` (window-modal, never a nested
event loop), so the desk keeps drawing new arrivals behind them and a lock can close them:
the delete confirmation, the CSV save dialog (the platform's own on Windows and macOS), and
the passphrase change."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)


def confirm_delete(parent: QWidget, text: str, on_yes: Callable[[], None]) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, "", text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                      parent)
    box.setObjectName("DeskConfirmDelete")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def answered(button: int) -> None:
        if button == QMessageBox.StandardButton.Yes:
            on_yes()

    box.finished.connect(answered)
    box.open()
    return box


def save_csv(parent: QWidget, title: str, suggested: Path,
             on_chosen: Callable[[Path], None]) -> QFileDialog:
    dialog = QFileDialog(parent, title, str(suggested.parent), "CSV (*.csv)")
    dialog.setObjectName("DeskSaveCsv")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setDefaultSuffix("csv")
    dialog.selectFile(suggested.name)
    dialog.fileSelected.connect(lambda name: on_chosen(Path(name)))
    dialog.open()
    return dialog


class ChangePassphrase(QDialog):
    """Current, new, new again; ``chosen(old, new)`` once the two new ones agree."""

    def __init__(self, strings: Mapping[str, str], chosen: Callable[[str, str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeskChangePassphrase")
        self.setWindowTitle(strings["desk_change_title"])
        self._strings = strings
        self._chosen = chosen
        self.old, self.new, self.again = (self._field(strings[k]) for k in (
            "desk_change_old", "desk_change_new", "desk_change_again"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(strings["desk_change_old"], self.old)
        form.addRow(strings["desk_change_new"], self.new)
        form.addRow(strings["desk_change_again"], self.again)
        form.addRow(self.message)
        form.addRow(buttons)

    @staticmethod
    def _field(name: str) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(name)
        field.setMinimumWidth(360)
        return field

    def _ok(self) -> None:
        if len(self.new.text()) < 8:
            self.message.setText(self._strings["desk_setup_weak"])
            return
        if self.new.text() != self.again.text():
            self.message.setText(self._strings["desk_setup_mismatch"])
            return
        old, new = self.old.text(), self.new.text()
        for field in (self.old, self.new, self.again):
            field.clear()
        self.accept()
        self._chosen(old, new)
