"""The front desk's panel: PIN, passphrase, then the sign-ups to read, export and manage.

Opened by a hidden long press on the clinic logo. Nothing here opens a system dialog: the
PIN pad and the passphrase use the kiosk's own keys, exports go to the configured folder,
and deleting asks for a second tap instead of a message box. The panel locks itself when
left alone, and every lock forgets the unlocked key.

What the PIN and passphrase open, what is audited and when a lock forgets the key is
`kiosk.staff_session.StaffSession`'s; this panel draws it. The checks run on a worker thread
(Argon2 is slow on purpose); an answer that arrives after the panel locked is thrown away,
key and all. Locking drops the `Reader` (the private key) and every decrypted entry with
the rows that showed them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QStackedWidget,
    QWidget,
)

from kiosk.content.kiosk_pages import KioskPages
from kiosk.content.versions import VersionStore
from kiosk.security import PinResult
from kiosk.signups.crypto import KeysError
from kiosk.signups.service import (
    ExportFolderMissing,
)
from kiosk.signups.store import StoreUnavailable
from kiosk.staff_session import PassphraseAnswer, StaffSession, StaffStatus
from kiosk.ui.pages.staff.pages_screen import PagesScreen
from kiosk.ui.pages.staff.signup_list import SignupList
from kiosk.ui.pages.staff.unlock import (
    PassphrasePage,
    PinPad,
    refusal,
)
from kiosk.ui.services.off_thread import OffThread, Outcome
from kiosk.ui.widgets.theme import Metrics

log = logging.getLogger(__name__)


class StaffPanel(QWidget):
    """PIN -> passphrase -> list. Emits ``closed`` when staff leave or it locks itself."""

    closed = Signal()
    exitRequested = Signal()
    fieldFocused = Signal(object, str)

    def __init__(self, strings: Mapping[str, str], metrics: Metrics, staff: StaffSession,
                 export_dir: Path | None, retention_days: int,
                 content_status: Callable[[], list[str]], idle_ms: int,
                 parent: QWidget | None = None, *, phone_region: str,
                 pages: KioskPages | None = None,
                 find_stick: Callable[[], VersionStore | None] = lambda: None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._strings = strings
        self._staff = staff
        self._export_dir = export_dir
        self._retention_days = retention_days
        self._content_status = content_status
        self._confirm_delete: int | None = None
        # The ticket of the check running on the worker thread (see StaffSession).
        self._checking_since = -1
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
        # Pages from a USB stick and back (issue 16), once unlocked.
        self.pages: PagesScreen | None = None
        if pages is not None:
            self.pages = PagesScreen(strings, metrics, pages, staff, find_stick)
            self.stack.addWidget(self.pages)
            self.signups.pages.clicked.connect(self._show_pages)
            self.pages.closeTapped.connect(self._close_pages)
        else:
            self.signups.pages.hide()
        layout = QHBoxLayout(self)
        layout.addWidget(self.stack)

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        # Precise: a coarse timer may run 5% short, and remainingTime() tells the truth.
        self.idle.setTimerType(Qt.TimerType.PreciseTimer)
        self.idle.setInterval(idle_ms)
        self.idle.timeout.connect(lambda: self.lock("idle"))

        self.pin.entered.connect(self._check_pin)
        self.pin.cancelled.connect(lambda: self.lock("cancel"))
        self.passphrase.entered.connect(self._unlock)
        self.passphrase.cancelled.connect(lambda: self.lock("cancel"))
        self.passphrase.fieldFocused.connect(self.fieldFocused)
        self.signups.lockTapped.connect(lambda: self.lock("button"))
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
        return self._staff.unlocked

    @property
    def session(self) -> StaffSession:
        return self._staff

    def open(self) -> None:
        """Start at the PIN pad, whatever was open before."""
        self._staff.start()
        self.pin.set_busy(False)
        self.passphrase.set_busy(False)
        self.pin.reset(self._not_ready_message())
        self.stack.setCurrentWidget(self._pin_host)
        self.idle.start()

    def _not_ready_message(self) -> str:
        status = self._staff.status()
        if status is StaffStatus.STORE_UNAVAILABLE:
            return self._strings["staff_store_unavailable"]
        if status is StaffStatus.NOT_SET_UP:
            return self._strings["staff_not_set_up"]
        if status is StaffStatus.SENT_TO_DESK:
            waiting = self._staff.waiting()
            return self._strings["staff_sent_to_desk"].format(
                waiting="?" if waiting is None else waiting)
        return ""

    def _show_pages(self) -> None:
        if self.pages is not None and self._staff.unlocked:
            self.idle.start()
            self.pages.refresh()
            self.stack.setCurrentWidget(self.pages)

    def _close_pages(self) -> None:
        self.stack.setCurrentWidget(self.signups)
        self.refresh()

    def clear(self, reason: str = "") -> None:
        """Forget the unlocked key and everything shown; safe to call more than once."""
        if self.pages is not None:
            self.pages.forget()
        self._staff.lock(reason)
        self.pin.set_busy(False)
        self.passphrase.set_busy(False)
        self.signups.list.clear()
        self.signups.status.clear()
        self._confirm_exit = False
        self.signups.exit.setText(self._strings["staff_exit"])
        self.passphrase.reset()
        self.pin.reset()
        self.idle.stop()

    def lock(self, reason: str = "") -> None:
        self.clear(reason)
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
        self._staff.exit_to_desktop()
        self.exitRequested.emit()

    # Steps -------------------------------------------------------------------------------

    def _check_pin(self, pin: str) -> None:
        self.idle.start()
        not_ready = self._not_ready_message()
        if not_ready:
            self.pin.reset(not_ready)
            return
        if not pin:
            return  # OK with nothing typed is a slip, not a wrong PIN
        staff = self._staff
        if self.checking.start(lambda: staff.check_pin(pin)):
            self.pin.set_busy(True)
            self._checking_since = staff.begin_check()

    def _unlock(self, passphrase: str) -> None:
        self.idle.start()
        staff = self._staff
        if staff.service is None:
            return
        if self.checking.start(lambda: staff.check_passphrase(passphrase)):
            self.passphrase.set_busy(True)
            self._checking_since = staff.begin_check()

    def _answered(self, outcome: Outcome) -> None:
        """A check finished on the worker thread; this runs on the UI thread."""
        if not self._staff.is_current(self._checking_since):
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
        if isinstance(answer, PassphraseAnswer):
            self._passphrase_answered(answer)
        else:
            assert isinstance(answer, PinResult)
            self._pin_answered(answer)

    def _pin_answered(self, result: PinResult) -> None:
        self._staff.pin_checked(result)
        if not result.ok:
            self.pin.reset(refusal(self._strings, result, self._strings["staff_pin_wrong"]))
            return
        self.passphrase.reset(self._strings["staff_pin_short"] if result.short_pin else "")
        self.stack.setCurrentWidget(self.passphrase)
        self.passphrase.edit.setFocus()

    def _passphrase_answered(self, answer: PassphraseAnswer) -> None:
        if not self._staff.passphrase_checked(answer):
            wrong = self._strings["staff_passphrase_wrong"]
            self.passphrase.reset(refusal(self._strings, answer.result, wrong))
            self.passphrase.edit.setFocus()
            return
        self.fieldFocused.emit(None, "")
        self.stack.setCurrentWidget(self.signups)
        self.refresh()

    def refresh(self, status: str = "") -> None:
        reader, service = self._staff.reader, self._staff.service
        if reader is None or service is None:
            return
        try:
            listing = reader.listing()
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
        lines.extend(self.signups.notices(listing, service.store.salvaged,
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
        reader = self._staff.reader
        if reader is None or entry_id is None:
            return
        if self._safely(lambda: reader.mark_contacted(entry_id), "staff_mark_failed"):
            self.refresh()

    def _delete(self) -> None:
        entry_id = self._selected_id()
        reader = self._staff.reader
        if reader is None or entry_id is None:
            return
        if self._confirm_delete != entry_id:
            self._confirm_delete = entry_id
            self.signups.delete.setText(self._strings["staff_delete_confirm"])
            return
        if self._safely(lambda: reader.delete(entry_id), "staff_delete_failed"):
            self.refresh()

    def _export(self) -> None:
        reader = self._staff.reader
        if reader is None:
            return
        if self._export_dir is None:
            self.refresh(self._strings["staff_export_not_set"])
            return
        try:
            path = reader.export(self._export_dir)
        except ExportFolderMissing as e:
            self.refresh(self._strings["staff_export_missing"].format(folder=e.folder))
            return
        except (OSError, StoreUnavailable) as e:
            log.error("export failed: %s", e)
            self.refresh(self._strings["staff_export_failed"].format(reason=str(e)))
            return
        listing = reader.listing()
        message = self._strings["staff_exported"].format(count=len(listing.entries), path=path)
        if listing.unreadable:
            message += " " + self._strings["staff_exported_unreadable"].format(
                count=len(listing.unreadable))
        self.refresh(message)

    def _purge(self) -> None:
        reader, counted = self._staff.reader, []
        if reader is None:
            return
        if self._safely(lambda: counted.append(reader.purge(self._retention_days)),
                        "staff_purge_failed"):
            self.refresh(self._strings["staff_purged"].format(count=counted[0]))
