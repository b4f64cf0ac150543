"""The desk app's window: locked, set-up, or the tabs (Sign-ups, Kiosks, and views other
parts plug in with `add_view`), a banner when the clinic server cannot be reached, and the
status line for what was just done.

Every server call runs on `ServerLink`'s threads and every Argon2 check on an `OffThread`
(the unlock, set-up and passphrase flows are `KeyFlows`'), so the window never waits; one
timer collects what they did and checks the idle lock.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QClipboard, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.desk.csv_export import write_desk_csv
from kiosk.desk.idle_lock import IdleLock
from kiosk.desk.inbox import Inbox
from kiosk.desk.server_link import Done, Down, Failed, ServerLink, Snapshot, Up
from kiosk.desk.session import DeskSession
from kiosk.signups.desk_format import DeskFormat
from kiosk.ui.desk.dialogs import ChangePassphrase, confirm_delete, save_csv
from kiosk.ui.desk.key_flows import KEY_TAG, SETUP_TAG, KeyFlows
from kiosk.ui.desk.kiosks_view import KiosksView
from kiosk.ui.desk.signups_view import SignupsView
from kiosk.ui.desk.unlock_view import UnlockView

log = logging.getLogger(__name__)

TICK_MS = 100
STYLE = """
QWidget { font-size: 17px; }
QLabel#DeskHeading { font-size: 20px; font-weight: bold; }
QLabel#DeskBanner { background: #8E1F24; color: white; padding: 10px; font-size: 16px; }
QWidget#DeskNotice { background: #FFF4CC; border: 2px solid #8A6100; }
QLabel#DeskArrivals { color: #3D2A00; font-size: 18px; font-weight: bold; }
QLabel#DeskMessage { color: #8E1F24; }
"""


class ActivityFilter(QObject):
    """Any key, click or wheel anywhere in the app counts as the desk being used."""

    def __init__(self, idle: IdleLock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._idle = idle

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                            QEvent.Type.Wheel):
            self._idle.touch()
        return False


class DeskWindow(QMainWindow):
    locked = Signal()
    unlocked = Signal()
    arrived = Signal(int)  # how many new sign-ups just came in

    def __init__(self, strings: Mapping[str, str], session: DeskSession, link: ServerLink,
                 idle: IdleLock, desk_format: DeskFormat, heartbeat_seconds: int,
                 export_dir: Path, *, clinic_name: str = "", tick_ms: int = TICK_MS,
                 clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strings = strings
        self.session = session
        self.link = link
        self.idle = idle
        self.format = desk_format
        self._export_dir = export_dir
        self._clock = clock
        self.inbox: Inbox | None = None
        self._entries: Sequence[Any] | None = None
        self._listed_at: datetime | None = None
        self._dialogs: list[QDialog] = []
        self._clinic_name = clinic_name
        self._show_title()
        self.setStyleSheet(STYLE)

        self.banner = QLabel()
        self.banner.setObjectName("DeskBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.lock_view = UnlockView(strings)
        self.keys = KeyFlows(strings, session, link, self.lock_view, self)
        self.keys.opened.connect(self._opened)
        self.keys.keysMade.connect(self._show_locked)
        self.keys.said.connect(self.statusBar().showMessage)
        self.lock_view.unlockRequested.connect(self.keys.unlock)
        self.lock_view.createRequested.connect(self.keys.create_keys)
        self.signups = SignupsView(strings)
        self.signups.markRequested.connect(self._mark)
        self.signups.deleteRequested.connect(self._ask_delete)
        self.signups.exportRequested.connect(self._ask_export)
        self.signups.acknowledged.connect(self._show_title)
        self.kiosks = KiosksView(strings, desk_format, heartbeat_seconds)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.signups, strings["desk_tab_signups"])
        self.tabs.addTab(self.kiosks, strings["desk_tab_kiosks"])
        self.change_button = QPushButton(strings["desk_change_passphrase"])
        self.change_button.clicked.connect(self._ask_change)
        self.lock_button = QPushButton(strings["desk_lock"])
        self.lock_button.clicked.connect(lambda: self.lock("lock button"))
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.change_button)
        top.addWidget(self.lock_button)
        self.key_warning = QLabel(strings["desk_key_differs"])
        self.key_warning.setObjectName("DeskBanner")
        self.key_warning.setWordWrap(True)
        self.key_warning.hide()
        self.main = QWidget()
        main_layout = QVBoxLayout(self.main)
        main_layout.addWidget(self.key_warning)
        main_layout.addLayout(top)
        main_layout.addWidget(self.tabs, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.lock_view)
        self.stack.addWidget(self.main)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage(strings["desk_connecting"])

        # Keys for a desk that prefers them (only while unlocked): find, save (export),
        # lock. The platform's own Find and Save keys (Cmd on a Mac); not Ctrl+E, which a
        # text field on Linux takes for "end of line".
        for keys, action in ((QKeySequence(QKeySequence.StandardKey.Find),
                              self.signups.search.setFocus),
                             (QKeySequence(QKeySequence.StandardKey.Save),
                              self.signups.export.click),
                             (QKeySequence("Ctrl+L"), self.lock_button.click)):
            QShortcut(keys, self.main, action)

        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self._show_locked()

    def _show_title(self) -> None:
        """The window's title (and so its taskbar entry) counts new arrivals, never names."""
        title = self._strings["desk_title"]
        arrived = len(self.inbox.arrived) if self.inbox is not None else 0
        if arrived:
            title = self._strings["desk_title_new"].format(title=title, count=arrived)
        self.setWindowTitle(f"{title} - {self._clinic_name}" if self._clinic_name else title)

    # Views from elsewhere ----------------------------------------------------------------

    def add_view(self, widget: QWidget, title: str) -> int:
        """Another tab beside Sign-ups and Kiosks (the Pages view); shown only unlocked."""
        return self.tabs.addTab(widget, title)

    # Locking -------------------------------------------------------------------------------

    @property
    def is_unlocked(self) -> bool:
        return self.session.unlocked and self.stack.currentWidget() is self.main

    def _show_locked(self, message: str = "") -> None:
        if self.session.has_keys():
            self.lock_view.show_unlock(message)
        else:
            self.lock_view.show_setup(message)
        self.stack.setCurrentWidget(self.lock_view)

    def lock(self, reason: str = "") -> None:
        """Forget the key and every decrypted row; close any dialog that shows them."""
        for dialog in list(self._dialogs):
            dialog.reject()  # answered(): forgotten and deleted
        self._forget_copied()
        self.statusBar().clearMessage()  # e.g. the export's file name
        self.session.lock(reason)
        self.inbox = None
        self.signups.show_inbox(None)
        self._show_locked()
        self._show_title()
        self.locked.emit()

    def _forget_copied(self) -> None:
        """Empty the clipboard (and X11's selection) if it holds what the desk showed of a
        patient: staff copy a phone number into a dialler, and the next person at the
        computer could paste it. Anything else copied is left alone."""
        shown = self.signups.patient_texts()
        clipboard = QGuiApplication.clipboard()
        modes = [QClipboard.Mode.Clipboard]
        if clipboard.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        for mode in modes:
            copied = clipboard.text(mode).strip()
            if copied and any(text in copied or copied in text for text in shown):
                clipboard.clear(mode)

    def _opened(self) -> None:
        key = self.session.key
        assert key is not None
        self.inbox = Inbox(key, self.format)
        if self._entries is not None:
            self.inbox.update(self._entries)
        self.idle.touch()
        self.signups.show_inbox(self.inbox)
        self.stack.setCurrentWidget(self.main)
        self.signups.search.setFocus()
        self.link.refresh()
        self.keys.sync_key()
        self.unlocked.emit()

    # The server ------------------------------------------------------------------------

    def tick(self) -> None:
        for event in self.link.events():
            if isinstance(event, Snapshot):
                self._listed(event)
            elif isinstance(event, Down):
                self.banner.setText(self._down_text(event))
                self.banner.show()
                self.statusBar().clearMessage()
            elif isinstance(event, Up):
                self.banner.hide()
                self.statusBar().showMessage(self._strings["desk_server_back"])
                if self.session.has_keys():
                    self.keys.sync_key()
            elif isinstance(event, Done):
                self._done(event)
            elif isinstance(event, Failed):
                self._failed(event)
        if self.session.unlocked and self.idle.due():
            self.lock("idle")

    def _down_text(self, event: Down) -> str:
        if event.lasting:
            return self._strings["desk_server_lasting"].format(reason=event.message)
        if self._listed_at is None:
            return self._strings["desk_server_down_new"].format(reason=event.message)
        when = self.format.when(self._listed_at).replace("\u202f", " ")
        return self._strings["desk_server_down"].format(reason=event.message, when=when)

    def _listed(self, snapshot: Snapshot) -> None:
        if self._listed_at is None:
            self.statusBar().clearMessage()
        self._entries = snapshot.entries
        self._listed_at = self._clock()
        self.kiosks.show_kiosks(snapshot.kiosks)
        if self.inbox is None:
            return
        new = self.inbox.update(snapshot.entries)
        if not self.inbox.changed:
            return
        self.signups.show_inbox(self.inbox)
        self._show_title()
        if new:
            QApplication.alert(self)  # the taskbar entry flashes if the desk is behind
            self.arrived.emit(len(new))

    def _done(self, event: Done) -> None:
        if event.tag == SETUP_TAG:
            self.keys.server_key_before_setup(event.value)
        elif event.tag == KEY_TAG:
            self.key_warning.setVisible(event.value == "other")
        elif event.tag in ("mark", "delete") and event.value is False:
            self.statusBar().showMessage(self._strings["desk_gone"])

    def _failed(self, event: Failed) -> None:
        if event.tag == SETUP_TAG:
            self.keys.setup_needs_server(event.message or self._strings["desk_see_log"])
        elif event.tag == KEY_TAG:
            pass  # checked again when the server is back (Up)
        elif event.tag != "audit":
            self.statusBar().showMessage(self._strings["desk_action_failed"].format(
                reason=event.message or self._strings["desk_see_log"]))

    def record(self, action: str) -> None:
        """An audit row on the server (never patient data); lost only if it is down."""
        self.link.submit("audit", lambda store: store.record(action))

    # What the desk does --------------------------------------------------------------------

    def _mark(self, entry_id: uuid.UUID, contacted: bool) -> None:
        self.link.submit("mark", lambda store: store.mark_contacted(entry_id, contacted))

    def _ask_delete(self, entry_id: uuid.UUID) -> None:
        row = self.inbox.row(entry_id) if self.inbox is not None else None
        if row is None:
            return
        text = (self._strings["desk_delete_confirm"].format(name=row.signup.name)
                if row.signup is not None else self._strings["desk_delete_unreadable"])
        box = confirm_delete(self, text, lambda: self.link.submit(
            "delete", lambda store: store.delete(entry_id)))
        self._keep(box)

    def _ask_export(self) -> None:
        stamp = self._clock().strftime("%Y-%m-%d_%H%M")
        dialog = save_csv(self, self._strings["desk_export_title"],
                          self._export_dir / f"signups-{stamp}.csv", self.export_to)
        self._keep(dialog)

    def export_to(self, path: Path) -> None:
        if self.inbox is None:
            return
        try:
            count = write_desk_csv(self.inbox.rows, path)
        except OSError as e:
            self.statusBar().showMessage(self._strings["desk_export_failed"].format(
                reason=e.strerror or type(e).__name__))
            return
        self._export_dir = path.parent
        self.record("export")
        self.statusBar().showMessage(self._strings["desk_exported"].format(
            count=count, path=path))

    def _ask_change(self) -> None:
        self._keep(ChangePassphrase(self._strings, self.keys.change, self))
        self._dialogs[-1].open()

    def _keep(self, dialog: QDialog | QMessageBox | QFileDialog) -> None:
        """Remember an open dialog until it is answered, so a lock can close it (the delete
        question names the patient)."""
        self._dialogs.append(dialog)

        def answered() -> None:
            if dialog in self._dialogs:
                self._dialogs.remove(dialog)
            dialog.deleteLater()

        dialog.finished.connect(answered)

    # Closing -------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        if self.session.unlocked:
            self.session.lock("closed")
        super().closeEvent(event)
