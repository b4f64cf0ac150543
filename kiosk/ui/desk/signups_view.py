"""The sign-ups from every kiosk, newest first: search, the new-arrival notice, and what the
desk does with one (mark contacted, undo, delete) or all (export).

Dates and phone numbers are in the desk's language and the clinic's national format
(`DeskFormat`); the patient's language is named in the desk's (CLDR, through Babel).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.desk.inbox import Inbox, InboxRow
from kiosk.signups.entry import CONTACT_TIMES

# Status second: on a narrow (portrait) screen the note scrolls, never whether it was done.
# Phone above e-mail in one column, so the note keeps room on a portrait screen.
COLUMNS = ("received", "status", "kiosk", "name", "contact", "time", "language", "note")
ARRIVAL_COLOUR = "#FFF4CC"
# The locale puts it in times ("10:31\u202fAM"); not every desk font has a glyph for it.
NARROW_NO_BREAK_SPACE = "\u202f"


def language_name(code: str, desk_language: str) -> str:
    """The patient's language in the desk's words ("Spanish", "español"); "" if unknown."""
    if not code:
        return ""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(desk_language).languages.get(code, code))
    except (UnknownLocaleError, ValueError):
        return code


class SignupsView(QWidget):
    markRequested = Signal(object, bool)  # entry id (uuid.UUID), contacted
    deleteRequested = Signal(object)  # entry id
    exportRequested = Signal()
    acknowledged = Signal()  # "Seen": the new arrivals are no longer new

    def __init__(self, strings: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strings = strings
        self._inbox: Inbox | None = None
        # The words of each row shown, by (id, contacted_at): made once, not every redraw.
        self._texts: dict[tuple[uuid.UUID, datetime | None], list[str]] = {}
        self._shown: list[tuple[uuid.UUID, datetime | None]] = []  # the table's rows
        self.summary = QLabel()
        self.summary.setObjectName("DeskHeading")
        self.search = QLineEdit()
        self.search.setPlaceholderText(strings["desk_search"])
        self.search.setAccessibleName(strings["desk_search"])
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.arrivals = QLabel()
        self.arrivals.setObjectName("DeskArrivals")
        self.seen = QPushButton(strings["desk_arrived_seen"])
        self.seen.clicked.connect(self.acknowledge)
        self.notice = QWidget()
        self.notice.setObjectName("DeskNotice")
        notice_row = QHBoxLayout(self.notice)
        notice_row.addWidget(self.arrivals, 1)
        notice_row.addWidget(self.seen)
        self.notice.hide()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([strings[f"desk_col_{c}"] for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("note"), QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.showing = QLabel()
        self.mark = QPushButton(strings["desk_mark"])
        self.delete = QPushButton(strings["desk_delete"])
        self.export = QPushButton(strings["desk_export"])
        self.mark.clicked.connect(self._mark)
        self.delete.clicked.connect(self._delete)
        self.export.clicked.connect(self.exportRequested)
        actions = QHBoxLayout()
        actions.addWidget(self.showing, 1)
        for button in (self.mark, self.delete, self.export):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.notice)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self._selection_changed()

    # Filling -----------------------------------------------------------------------------

    def show_inbox(self, inbox: Inbox | None) -> None:
        """Draw ``inbox`` (None: forget every row, the desk locked)."""
        if inbox is not self._inbox:
            self._shown = []  # another inbox (or none): draw every row
        self._inbox = inbox
        if inbox is None:
            self.search.clear()
            self._texts.clear()
        self._fill()

    def _fill(self) -> None:
        """Show the inbox's rows; the search then hides those it does not find.

        Each row's words are made once (dates and numbers cost most of a redraw), and the
        two usual changes touch only their rows: sign-ups that arrived go in at the top,
        and one marked (or unmarked) is rewritten in place. Anything else (a deletion,
        "Seen") draws the list again.
        """
        inbox = self._inbox
        rows = [] if inbox is None else inbox.rows
        keys = [(row.id, row.contacted_at) for row in rows]
        self._texts = {key: self._texts.get(key) or self._cells(row)
                       for key, row in zip(keys, rows, strict=True)}
        shown, self._shown = self._shown, keys
        table = self.table
        table.setUpdatesEnabled(False)
        added = len(keys) - len(shown)
        # An empty ``shown`` asks for a whole redraw (a new inbox, a lock, "Seen").
        if shown and added > 0 and keys[added:] == shown:
            for index in range(added):
                table.insertRow(index)
                self._put(index, rows[index])
        elif shown and [key[0] for key in keys] == [key[0] for key in shown]:
            for index, (key, before) in enumerate(zip(keys, shown, strict=True)):
                if key != before:
                    self._put(index, rows[index])
        else:
            selected = self.selected_id()
            table.setRowCount(0)
            table.setRowCount(len(rows))
            for index, row in enumerate(rows):
                self._put(index, row, size=False)
                if row.id == selected:
                    table.selectRow(index)
            table.resizeRowsToContents()
        table.setUpdatesEnabled(True)
        self._filter()

    def _put(self, index: int, row: InboxRow, *, size: bool = True) -> None:
        table = self.table
        arrival = self._inbox is not None and self._inbox.is_arrival(row.id)
        for column, text in enumerate(self._texts[(row.id, row.contacted_at)]):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            if not row.readable:
                font = QFont(table.font())
                font.setItalic(True)
                item.setFont(font)
            if arrival:
                item.setBackground(QBrush(QColor(ARRIVAL_COLOUR)))
            table.setItem(index, column, item)
        if size:
            table.resizeRowToContents(index)

    def _filter(self) -> None:
        inbox = self._inbox
        query = self.search.text()
        rows = [] if inbox is None else inbox.rows
        shown = 0
        for index, row in enumerate(rows):
            found = inbox is not None and inbox.matches(row, query)
            self.table.setRowHidden(index, not found)
            shown += found
        selected = self.table.selectedItems()
        if selected and self.table.isRowHidden(selected[0].row()):
            self.table.clearSelection()  # never act on a row the desk cannot see
        total = len(rows)
        strings = self._strings
        self.summary.setText(strings["desk_summary"].format(
            total=total, new=0 if inbox is None else inbox.not_contacted()))
        self.showing.setText(strings["desk_showing"].format(shown=shown, total=total)
                             if query.strip() else "")
        arrived = 0 if inbox is None else len(inbox.arrived)
        self.arrivals.setText(strings["desk_arrived"].format(count=arrived))
        self.notice.setVisible(arrived > 0)
        self._selection_changed()

    def _cells(self, row: InboxRow) -> list[str]:
        strings = self._strings
        assert self._inbox is not None
        fmt = self._inbox.format

        def two_lines(moment: datetime) -> str:
            # DeskFormat.when is "<date>, <time>": the time under the date keeps it narrow.
            text = fmt.when(moment).replace(NARROW_NO_BREAK_SPACE, " ")
            return "\n".join(text.rsplit(", ", 1))

        when = two_lines(row.created_at)
        status = (strings["desk_contacted"].format(when=two_lines(row.contacted_at))
                  if row.contacted_at else strings["desk_new"])
        s = row.signup
        if s is None:
            return [when, status, row.kiosk, strings["desk_unreadable"], "", "", "", ""]
        time = (strings[f"time_{s.contact_time}"] if s.contact_time in CONTACT_TIMES
                else s.contact_time)
        contact = "\n".join(x for x in (fmt.phone(s.phone), s.email) if x)
        return [when, status, row.kiosk, s.name, contact, time,
                language_name(s.language, fmt.language), s.note]

    # Selection and actions ---------------------------------------------------------------

    def selected_id(self) -> uuid.UUID | None:
        items = self.table.selectedItems()
        if not items:
            return None
        value = items[0].data(Qt.ItemDataRole.UserRole)
        return value if isinstance(value, uuid.UUID) else None

    def selected_row(self) -> InboxRow | None:
        entry_id = self.selected_id()
        if entry_id is None or self._inbox is None:
            return None
        return self._inbox.row(entry_id)

    def select(self, entry_id: uuid.UUID) -> bool:
        for index in range(self.table.rowCount()):
            item = self.table.item(index, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == entry_id:
                self.table.selectRow(index)
                return True
        return False

    def _selection_changed(self) -> None:
        row = self.selected_row()
        self.mark.setEnabled(row is not None)
        self.delete.setEnabled(row is not None)
        self.export.setEnabled(self._inbox is not None and bool(self._inbox.rows))
        contacted = row is not None and row.contacted_at is not None
        self.mark.setText(self._strings["desk_undo" if contacted else "desk_mark"])

    def _mark(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.markRequested.emit(row.id, row.contacted_at is None)

    def _delete(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.deleteRequested.emit(row.id)

    def acknowledge(self) -> None:
        if self._inbox is not None:
            self._inbox.acknowledge()
        self._shown = []  # the highlight goes: draw every row again
        self._fill()
        self.acknowledged.emit()
