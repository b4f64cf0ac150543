"""The unlocked view of the staff panel: the sign-ups, and the buttons that act on them."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from kiosk.signups.desk_format import DeskFormat
from kiosk.signups.entry import CONTACT_TIMES, DecryptedEntry
from kiosk.signups.salvage import Salvaged
from kiosk.signups.service import Listing, UnreadableEntry
from kiosk.ui.input.touch import make_touch_scrollable
from kiosk.ui.pages.staff.unlock import staff_button, staff_label
from kiosk.ui.widgets.theme import Metrics

# The locale puts it in times ("10:31\u202fAM"); the kiosk's font has no glyph for it.
NARROW_NO_BREAK_SPACE = "\u202f"


class SignupList(QWidget):
    """The unlocked view: sign-ups newest first, and what the front desk can do with them.

    Dates, weekdays and contact times are in the panel's language, phone numbers in the
    clinic's national format (`DeskFormat`). An entry that cannot be opened is a row too,
    so staff know it exists and can delete it; it is never silently left out.
    """

    lockTapped = Signal()
    exitTapped = Signal()

    def __init__(self, strings: Mapping[str, str], metrics: Metrics, phone_region: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._strings = strings
        self.format = DeskFormat(getattr(strings, "language", "en"), phone_region)
        self.summary = staff_label("", "PageTitle")
        self.status = staff_label("", "Hint")
        self.list = QListWidget()
        self.list.setObjectName("Signups")
        self.list.setWordWrap(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        make_touch_scrollable(self.list)
        self.contacted = staff_button(strings["staff_mark_contacted"], metrics)
        self.delete = staff_button(strings["staff_delete"], metrics)
        self.export = staff_button(strings["staff_export"], metrics, primary=True)
        self.purge = staff_button("", metrics)
        self.pages = staff_button(strings["staff_pages"], metrics)
        self.lock = staff_button(strings["staff_lock"], metrics)
        self.exit = staff_button(strings["staff_exit"], metrics)
        self.lock.clicked.connect(self.lockTapped)
        self.exit.clicked.connect(self.exitTapped)
        actions = QHBoxLayout()
        for button in (self.contacted, self.delete, self.export):
            actions.addWidget(button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.purge)
        bottom.addStretch(1)
        bottom.addWidget(self.lock)
        bottom.addWidget(self.exit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(metrics.margin, metrics.margin // 2, metrics.margin,
                                  metrics.margin // 2)
        # Pages (issue 16) beside the title: in the bottom row it cut "Delete old (90+ days)"
        # on a portrait screen.
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.pages, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        layout.addLayout(actions)
        layout.addLayout(bottom)

    def show_listing(self, listing: Listing) -> None:
        """Fill the list, newest first, readable and unreadable entries in one order."""
        rows: list[DecryptedEntry | UnreadableEntry] = [*listing.entries, *listing.unreadable]
        rows.sort(key=lambda e: (e.created_at, e.id), reverse=True)
        self.list.clear()
        # The list's own font (its style sheet's size), not a bare item's 12 pt: a row sized
        # for that cut its message to "…".
        self.list.ensurePolished()
        for entry in rows:
            # The locale's narrow no-break space in "10:31 AM" (U+202F) is not in the kiosk's
            # font: a fallback font drew that line taller than the row allowed, and a
            # two-line row was cut to its first line and "…".
            item = QListWidgetItem(self._text(entry).replace(NARROW_NO_BREAK_SPACE, " "))
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            if isinstance(entry, UnreadableEntry):
                font = QFont(self.list.font())
                font.setItalic(True)
                item.setFont(font)
            self.list.addItem(item)

    def _text(self, entry: DecryptedEntry | UnreadableEntry) -> str:
        strings = self._strings
        state = strings["staff_contacted"] if entry.contacted_at else strings["staff_new"]
        head = f"{self.format.when(entry.created_at)}  [{state}]"
        if isinstance(entry, UnreadableEntry):
            return f"{head}\n{strings['staff_entry_unreadable'].format(id=entry.id)}"
        s = entry.signup
        when = (strings[f"time_{s.contact_time}"] if s.contact_time in CONTACT_TIMES
                else s.contact_time)
        contact = "  ".join(x for x in (self.format.phone(s.phone), s.email) if x)
        text = f"{head}\n{s.name}  {contact}  ({when})"
        return f"{text}\n{s.note}" if s.note else text

    def notices(self, listing: Listing, salvaged: Salvaged | None,
                retention_days: int) -> list[str]:
        """What staff must know about the store before reading the list."""
        lines = []
        if salvaged is not None:
            lines.append(self._strings["staff_store_recovered"].format(
                recovered=salvaged.recovered, lost=salvaged.lost, path=salvaged.set_aside.name,
                days=retention_days))
        if listing.unreadable:
            lines.append(self._strings["staff_unreadable"].format(
                count=len(listing.unreadable)))
        return lines
