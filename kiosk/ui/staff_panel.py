"""The front desk's panel: PIN, passphrase, then the sign-ups to read, export and manage.

Opened by a hidden long press on the clinic logo. Nothing here opens a system dialog: the
PIN pad and the passphrase use the kiosk's own keys, exports go to the configured folder,
and deleting asks for a second tap instead of a message box. The panel locks itself when
left alone, and every lock forgets the unlocked key.

The PIN and the passphrase are checked on a worker thread (Argon2 is slow on purpose), both
by the one `PinGuard`, so a wrong passphrase costs the same growing wait as a wrong PIN.
An answer that arrives after the panel locked is thrown away, key and all. Locking drops
the `Reader` (the private key) and every decrypted entry with the rows that showed them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.security import PinGuard, PinResult
from kiosk.signups.crypto import KeysError, WrongPassphrase
from kiosk.signups.desk_format import DeskFormat
from kiosk.signups.entry import CONTACT_TIMES, DecryptedEntry
from kiosk.signups.salvage import Salvaged
from kiosk.signups.service import (
    ExportFolderMissing,
    Listing,
    Reader,
    SignupService,
    UnreadableEntry,
)
from kiosk.signups.store import StoreUnavailable
from kiosk.ui.off_thread import OffThread, Outcome
from kiosk.ui.staff_unlock import (
    PassphrasePage,
    PinPad,
    refusal,
    staff_button,
    staff_label,
)
from kiosk.ui.theme import Metrics
from kiosk.ui.touch import make_touch_scrollable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Answer:
    """What a check on the worker thread found: for the PIN, or for the passphrase."""

    passphrase: bool
    result: PinResult
    reader: Reader | None = None


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
        layout.addWidget(self.summary)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        layout.addLayout(actions)
        layout.addLayout(bottom)

    def show_listing(self, listing: Listing) -> None:
        """Fill the list, newest first, readable and unreadable entries in one order."""
        rows: list[DecryptedEntry | UnreadableEntry] = [*listing.entries, *listing.unreadable]
        rows.sort(key=lambda e: (e.created_at, e.id), reverse=True)
        self.list.clear()
        for entry in rows:
            item = QListWidgetItem(self._text(entry))
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            if isinstance(entry, UnreadableEntry):
                font = item.font()
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


class StaffPanel(QWidget):
    """PIN -> passphrase -> list. Emits ``closed`` when staff leave or it locks itself."""

    closed = Signal()
    exitRequested = Signal()
    fieldFocused = Signal(object, str)

    def __init__(self, strings: Mapping[str, str], metrics: Metrics, guard: PinGuard,
                 service: SignupService | None, export_dir: Path | None, retention_days: int,
                 content_status: Callable[[], list[str]], idle_ms: int,
                 parent: QWidget | None = None, *, phone_region: str) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._strings = strings
        self._guard = guard
        self._service = service
        self._export_dir = export_dir
        self._retention_days = retention_days
        self._content_status = content_status
        self._reader: Reader | None = None
        self._confirm_delete: int | None = None
        # Each lock starts a new generation; an answer from an older one is thrown away.
        self._generation = 0
        self._checking_since = 0
        self.checking = OffThread("staff-check", self)
        self.checking.finished.connect(self._answered)

        self.pin = PinPad(strings, metrics)
        self.passphrase = PassphrasePage(strings, metrics)
        self.signups = SignupList(strings, metrics, phone_region)
        self.stack = QStackedWidget()
        # The PIN pad is narrow; keep it in the middle of a wide screen.
        self._pin_host = QWidget()
        centred = QHBoxLayout(self._pin_host)
        centred.addStretch(1)
        centred.addWidget(self.pin)
        centred.addStretch(1)
        for page in (self._pin_host, self.passphrase, self.signups):
            self.stack.addWidget(page)
        layout = QHBoxLayout(self)
        layout.addWidget(self.stack)

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        # Precise: a coarse timer may run 5% short, and remainingTime() tells the truth.
        self.idle.setTimerType(Qt.TimerType.PreciseTimer)
        self.idle.setInterval(idle_ms)
        self.idle.timeout.connect(self.lock)

        self.pin.entered.connect(self._check_pin)
        self.pin.cancelled.connect(self.lock)
        self.passphrase.entered.connect(self._unlock)
        self.passphrase.cancelled.connect(self.lock)
        self.passphrase.fieldFocused.connect(self.fieldFocused)
        self.signups.lockTapped.connect(self.lock)
        self.signups.exitTapped.connect(self.exitRequested)
        self.signups.contacted.clicked.connect(self._mark_contacted)
        self.signups.delete.clicked.connect(self._delete)
        self.signups.export.clicked.connect(self._export)
        self.signups.purge.clicked.connect(self._purge)
        self.signups.purge.setText(strings["staff_purge"].format(days=retention_days))
        self.signups.list.currentRowChanged.connect(lambda _row: self._reset_delete())
        self._confirm_exit = False
        self.signups.exitTapped.disconnect(self.exitRequested)
        self.signups.exitTapped.connect(self._exit)

    @property
    def step(self) -> QWidget:
        """The PIN pad, the passphrase page or the sign-up list, whichever is showing."""
        current = self.stack.currentWidget()
        return self.pin if current is self._pin_host or current is None else current

    @property
    def unlocked(self) -> bool:
        return self._reader is not None

    def open(self) -> None:
        """Start at the PIN pad, whatever was open before."""
        self._reader = None
        self._generation += 1
        self.pin.set_busy(False)
        self.passphrase.set_busy(False)
        self.pin.reset(self._not_ready_message())
        self.stack.setCurrentWidget(self._pin_host)
        self.idle.start()

    def _not_ready_message(self) -> str:
        if self._service is None:
            return self._strings["staff_store_unavailable"]
        if not self._guard.is_set() or not self._service.ready():
            return self._strings["staff_not_set_up"]
        return ""

    def clear(self) -> None:
        """Forget the unlocked key and everything shown; safe to call more than once."""
        if self._reader is not None and self._service is not None:
            self._service.audit.record("lock")
        self._reader = None
        self._generation += 1
        self.pin.set_busy(False)
        self.passphrase.set_busy(False)
        self.signups.list.clear()
        self.signups.status.clear()
        self._confirm_exit = False
        self.signups.exit.setText(self._strings["staff_exit"])
        self.passphrase.reset()
        self.pin.reset()
        self.idle.stop()

    def lock(self) -> None:
        self.clear()
        self.closed.emit()

    def note_activity(self) -> None:
        """Any touch or key anywhere in the window keeps an open panel open."""
        if self.isVisible() and self.idle.isActive():
            self.idle.start()

    def _exit(self) -> None:
        if not self._confirm_exit:
            self._confirm_exit = True
            self.signups.exit.setText(self._strings["staff_exit_confirm"])
            return
        if self._service is not None:
            self._service.audit.record("exit to desktop")
        self.exitRequested.emit()

    # Steps -------------------------------------------------------------------------------

    def _check_pin(self, pin: str) -> None:
        self.idle.start()
        not_ready = self._not_ready_message()
        if not_ready or self._service is None:
            self.pin.reset(not_ready)
            return
        if not pin:
            return  # OK with nothing typed is a slip, not a wrong PIN
        guard = self._guard
        if self.checking.start(lambda: _Answer(False, guard.check(pin))):
            self.pin.set_busy(True)
            self._checking_since = self._generation

    def _unlock(self, passphrase: str) -> None:
        self.idle.start()
        service = self._service
        if service is None:
            return
        opened: list[Reader] = []

        def verify() -> bool:
            try:
                opened.append(service.unlock(passphrase))
            except WrongPassphrase:
                return False
            return True

        def check() -> _Answer:
            result = self._guard.check_passphrase(verify)
            return _Answer(True, result, opened[0] if opened else None)

        if self.checking.start(check):
            self.passphrase.set_busy(True)
            self._checking_since = self._generation

    def _answered(self, outcome: Outcome) -> None:
        """A check finished on the worker thread; this runs on the UI thread."""
        if self._checking_since != self._generation:
            return  # the panel locked meanwhile: forget the answer, and any key with it
        self.pin.set_busy(False)
        self.passphrase.set_busy(False)
        self.idle.start()
        if outcome.error is not None:
            if not isinstance(outcome.error, KeysError | StoreUnavailable | OSError):
                raise outcome.error  # a bug: error_guard logs it and goes back to the start
            log.error("cannot check the staff panel's secrets: %s", outcome.error)
            self.pin.reset(self._strings["staff_store_unavailable"])
            self.passphrase.reset(self._strings["staff_store_unavailable"])
            return
        answer = outcome.value
        assert isinstance(answer, _Answer)
        if answer.passphrase:
            self._passphrase_answered(answer.result, answer.reader)
        else:
            self._pin_answered(answer.result)

    def _pin_answered(self, result: PinResult) -> None:
        assert self._service is not None
        if not result.ok:
            self._service.audit.record(
                "wrong pin", "locked" if result.locked
                else "not recorded" if result.cannot_record else "")
            self.pin.reset(refusal(self._strings, result, self._strings["staff_pin_wrong"]))
            return
        self._service.audit.record("pin accepted")
        self.passphrase.reset(self._strings["staff_pin_short"] if result.short_pin else "")
        self.stack.setCurrentWidget(self.passphrase)
        self.passphrase.edit.setFocus()

    def _passphrase_answered(self, result: PinResult, reader: Reader | None) -> None:
        assert self._service is not None
        if not result.ok or reader is None:
            if result.unchecked:  # a wrong passphrase is audited by the service
                self._service.audit.record("unlock refused", "locked" if result.locked
                                           else "not recorded" if result.cannot_record
                                           else "too soon")
            wrong = self._strings["staff_passphrase_wrong"]
            self.passphrase.reset(refusal(self._strings, result, wrong))
            self.passphrase.edit.setFocus()
            return
        self._reader = reader
        self.fieldFocused.emit(None, "")
        self.stack.setCurrentWidget(self.signups)
        self.refresh()

    def refresh(self, status: str = "") -> None:
        if self._reader is None or self._service is None:
            return
        try:
            listing = self._reader.listing()
        except StoreUnavailable as e:
            log.error("cannot read the sign-ups: %s", e)
            self.signups.status.setText(self._strings["staff_store_unavailable"])
            return
        total = len(listing.entries) + len(listing.unreadable)
        new = (sum(e.contacted_at is None for e in listing.entries)
               + sum(e.contacted_at is None for e in listing.unreadable))
        self.signups.summary.setText(
            self._strings["staff_summary"].format(total=total, new=new)
            if total else self._strings["staff_empty"])
        lines = [status] if status else []
        lines.extend(self.signups.notices(listing, self._service.store.salvaged,
                                          self._retention_days))
        problems = self._content_status()
        lines.append(self._strings["staff_content_problems"] if problems
                     else self._strings["staff_content_ok"])
        lines.extend(problems[:5])
        self.signups.status.setText("\n".join(lines))
        self.signups.show_listing(listing)
        self._reset_delete()

    def _selected_id(self) -> int | None:
        item = self.signups.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _reset_delete(self) -> None:
        self._confirm_delete = None
        self.signups.delete.setText(self._strings["staff_delete"])

    def _safely(self, action: Callable[[], object], failed: str) -> bool:
        """Run a storage action; a bad disk becomes the ``failed`` message, not a crash."""
        try:
            action()
        except StoreUnavailable as e:
            log.error("staff action failed: %s", e)
            self.signups.status.setText(self._strings[failed].format(reason=str(e)))
            return False
        return True

    def _mark_contacted(self) -> None:
        entry_id = self._selected_id()
        if self._reader is None or entry_id is None:
            return
        reader = self._reader
        if self._safely(lambda: reader.mark_contacted(entry_id), "staff_mark_failed"):
            self.refresh()

    def _delete(self) -> None:
        entry_id = self._selected_id()
        if self._reader is None or entry_id is None:
            return
        if self._confirm_delete != entry_id:
            self._confirm_delete = entry_id
            self.signups.delete.setText(self._strings["staff_delete_confirm"])
            return
        reader = self._reader
        if self._safely(lambda: reader.delete(entry_id), "staff_delete_failed"):
            self.refresh()

    def _export(self) -> None:
        if self._reader is None:
            return
        if self._export_dir is None:
            self.refresh(self._strings["staff_export_not_set"])
            return
        try:
            path = self._reader.export(self._export_dir)
        except ExportFolderMissing as e:
            self.refresh(self._strings["staff_export_missing"].format(folder=e.folder))
            return
        except (OSError, StoreUnavailable) as e:
            log.error("export failed: %s", e)
            self.refresh(self._strings["staff_export_failed"].format(reason=str(e)))
            return
        listing = self._reader.listing()
        message = self._strings["staff_exported"].format(count=len(listing.entries), path=path)
        if listing.unreadable:
            message += " " + self._strings["staff_exported_unreadable"].format(
                count=len(listing.unreadable))
        self.refresh(message)

    def _purge(self) -> None:
        if self._reader is None:
            return
        reader, counted = self._reader, []
        if self._safely(lambda: counted.append(reader.purge(self._retention_days)),
                        "staff_purge_failed"):
            self.refresh(self._strings["staff_purged"].format(count=counted[0]))
