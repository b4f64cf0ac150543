"""Each kiosk as the desk sees it from its last heartbeat: OK, late or not draining, in
words (kiosk/server/kiosk_status.py) and in colour, with a word and a mark beside the colour
so it is never colour alone."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.server.kiosk_status import Health, KioskStatus, classify
from kiosk.signups.desk_format import DeskFormat

# Background, text: each pair above 7:1.
COLOURS = {
    Health.OK: ("#DDF3E4", "#0B3D1E"),
    Health.LATE: ("#FFE9C7", "#4A2A00"),
    Health.NOT_DRAINING: ("#F9D6D5", "#5C0B0B"),
}
MARKS = {Health.OK: "✔", Health.LATE: "◷", Health.NOT_DRAINING: "⚠"}
COLUMNS = ("name", "state", "seen", "waiting", "version", "error")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class KiosksView(QWidget):
    def __init__(self, strings: Mapping[str, str], desk_format: DeskFormat,
                 heartbeat_seconds: int,
                 clock: Callable[[], datetime] = _utc_now, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._format = desk_format
        self._heartbeat = heartbeat_seconds
        self._clock = clock
        self.empty = QLabel(strings["desk_kiosks_none"])
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([strings[f"desk_kiosk_{c}"] for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("state"), QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

    def show_kiosks(self, kiosks: Sequence[KioskStatus]) -> None:
        now = self._clock()
        self.empty.setVisible(not kiosks)
        self.table.setRowCount(len(kiosks))
        for index, status in enumerate(kiosks):
            health = classify(status, now, self._heartbeat)
            background, text = COLOURS[health.health]
            versions = " / ".join(v for v in (status.program_version, status.content_version)
                                  if v)
            cells = (status.kiosk, f"{MARKS[health.health]}  {health.text}",
                     self._format.when(status.last_seen).replace("\u202f", " "),
                     str(status.waiting), versions, status.last_error or "")
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == COLUMNS.index("state"):
                    item.setBackground(QBrush(QColor(background)))
                    item.setForeground(QBrush(QColor(text)))
                    item.setData(Qt.ItemDataRole.UserRole, health.health.value)
                self.table.setItem(index, column, item)
        self.table.resizeRowsToContents()

    def health_of(self, kiosk: str) -> str | None:
        """The state word shown for ``kiosk`` ("ok", "late", "not draining"), or None."""
        for index in range(self.table.rowCount()):
            name = self.table.item(index, 0)
            if name is not None and name.text() == kiosk:
                state = self.table.item(index, COLUMNS.index("state"))
                value = state.data(Qt.ItemDataRole.UserRole) if state is not None else None
                return value if isinstance(value, str) else None
        return None
