"""Every published version, newest first: who, when, the note, a start time; preview any
one, or put it back with one click ("Publish this version again" makes a new version with
its files: history is never rewritten)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.content.versions import VersionInfo


def describe(version: VersionInfo) -> str:
    when = version.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    text = f"Version {version.number} \u2014 {when} \u2014 {version.author}: {version.note}"
    if version.starts_at is not None:
        start = version.starts_at.astimezone().strftime("%Y-%m-%d %H:%M")
        text += f"\n    goes live {start}"
    return text


class HistoryPanel(QWidget):
    previewRequested = Signal(int)
    republishRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName("History")
        self.list.setWordWrap(True)
        self.preview = QPushButton("Preview this version")
        self.republish = QPushButton("Publish this version again")
        self.republish.setObjectName("Primary")
        # One above the other: the view must fit a portrait screen beside the form.
        buttons = QVBoxLayout()
        buttons.addWidget(self.preview)
        buttons.addWidget(self.republish)
        self.list.setMinimumWidth(120)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.preview.clicked.connect(lambda: self._ask(self.previewRequested))
        self.republish.clicked.connect(lambda: self._ask(self.republishRequested))
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        self._enable()

    def _enable(self) -> None:
        chosen = self.list.currentItem() is not None
        self.preview.setEnabled(chosen)
        self.republish.setEnabled(chosen)

    def _ask(self, signal: SignalInstance) -> None:
        number = self.selected()
        if number is not None:
            signal.emit(number)

    def selected(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def show_history(self, versions: Sequence[VersionInfo], live: int | None) -> None:
        keep = self.selected()
        self.list.clear()
        for version in versions:
            text = describe(version)
            if version.number == live:
                text += "\n    patients see this one now"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, version.number)
            self.list.addItem(item)
            if version.number == keep:
                self.list.setCurrentItem(item)
        self._enable()

    def select(self, number: int) -> None:
        for row in range(self.list.count()):
            if int(self.list.item(row).data(Qt.ItemDataRole.UserRole)) == number:
                self.list.setCurrentRow(row)
