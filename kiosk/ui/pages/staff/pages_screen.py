"""The staff panel's Pages screen: load pages from a USB stick, or go back to the previous ones.

No terminal and no system dialog: one big button finds the stick's published pages, checks
them off the UI thread (every hash, then the full `kiosk check`), says in words what would
change, and shows them only after "Show these pages". What patients saw before is kept on
the kiosk, so "Go back to the previous pages" works with the stick long unplugged. Anything
refused leaves the screen as it was and says why. Both actions are audited through the
`StaffSession`. The rules are `kiosk.content.kiosk_pages.KioskPages`'; this draws them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.content.kiosk_pages import KioskPages, Offer
from kiosk.content.versions import VersionError, VersionInfo, VersionStore
from kiosk.staff_session import StaffSession
from kiosk.ui.pages.staff.unlock import show_message, staff_button, staff_label
from kiosk.ui.services.off_thread import OffThread, Outcome
from kiosk.ui.widgets.theme import Metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Applied:
    kept: VersionInfo
    # The version's number where it came from (the stick's, or the kept one's).
    number: int


class PagesScreen(QWidget):
    """Emits ``closeTapped`` for "Back to sign-ups"; ``shown`` after new pages went live."""

    closeTapped = Signal()
    shown = Signal()

    def __init__(self, strings: Mapping[str, str], metrics: Metrics, pages: KioskPages,
                 staff: StaffSession, find_stick: Callable[[], VersionStore | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._strings = strings
        self._pages = pages
        self._staff = staff
        self._find_stick = find_stick
        self._offer: Offer | None = None
        self._going_back = False
        self.working = OffThread("pages-check", self)
        self.working.finished.connect(self._checked)

        self.title = staff_label(strings["staff_pages_title"], "PageTitle")
        self.shown_now = staff_label("", "Hint")
        self.message = staff_label("", "Hint")
        self.changes = staff_label("", "Hint")
        self.load = staff_button(strings["staff_pages_load"], metrics, primary=True)
        self.back = staff_button(strings["staff_pages_back"], metrics)
        self.confirm = staff_button(strings["staff_pages_confirm"], metrics, primary=True)
        self.cancel = staff_button(strings["staff_cancel"], metrics)
        self.close_button = staff_button(strings["staff_pages_close"], metrics)
        self.load.clicked.connect(self.load_from_stick)
        self.back.clicked.connect(self.go_back)
        self.confirm.clicked.connect(self._show_offer)
        self.cancel.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self._close)

        # One above the other: side by side, a portrait screen cut their words.
        actions = QVBoxLayout()
        actions.addWidget(self.load)
        actions.addWidget(self.back)
        decide = QHBoxLayout()
        decide.addWidget(self.confirm)
        decide.addWidget(self.cancel)
        decide.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(metrics.margin, metrics.margin // 2, metrics.margin,
                                  metrics.margin // 2)
        layout.addWidget(self.title)
        layout.addWidget(self.shown_now)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.changes)
        layout.addLayout(decide)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.refresh()

    def refresh(self) -> None:
        shown = self._pages.shown()
        strings = self._strings
        what = (strings["staff_pages_version"].format(
            when=shown.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            author=shown.author, note=shown.note) if shown else strings["staff_pages_unknown"])
        self.shown_now.setText(strings["staff_pages_shown"].format(what=what))
        self._deciding(False)

    def _deciding(self, deciding: bool) -> None:
        for button in (self.confirm, self.cancel):
            button.setVisible(deciding)
        self.changes.setVisible(deciding)
        busy = self.working.busy
        for button in (self.load, self.back):
            button.setEnabled(not busy and not deciding)

    # Actions -----------------------------------------------------------------------------

    def load_from_stick(self) -> None:
        stick = self._find_stick()
        if stick is None:
            show_message(self.message, self._strings["staff_pages_no_stick"])
            return
        pages = self._pages

        def check() -> tuple[Offer, int]:
            offer = pages.offer(stick, origin="USB stick")
            later = len(pages.keep_scheduled(stick, origin="USB stick")) if offer.ok else 0
            return offer, later

        self._start(check, going_back=False)

    def go_back(self) -> None:
        if self._pages.previous() is None:
            show_message(self.message, self._strings["staff_pages_no_previous"])
            return
        pages = self._pages
        self._start(lambda: (pages.offer_previous(), 0), going_back=True)

    def _start(self, call: Callable[[], object], *, going_back: bool) -> None:
        if self.working.start(call):
            self._going_back = going_back
            show_message(self.message, self._strings["staff_pages_checking"], busy=True)
            self._deciding(False)

    def _checked(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            if not isinstance(outcome.error, VersionError | OSError):
                raise outcome.error  # a bug: error_guard logs it
            self._refused(str(outcome.error))
            return
        if isinstance(outcome.value, Applied):
            self._applied(outcome.value)
            return
        assert isinstance(outcome.value, tuple)
        offer, later = outcome.value
        assert isinstance(offer, Offer)
        assert isinstance(later, int)
        if not offer.ok:
            self._refused(offer.refused)
            return
        self._offer = offer
        lines = ["\u2022 " + line for line in offer.changes]
        if later:
            lines.append(self._strings["staff_pages_scheduled"].format(count=later))
        show_message(self.message, self._strings["staff_pages_changes"], busy=True)
        self.changes.setText("\n".join(lines))
        self._deciding(True)

    def _refused(self, reason: str) -> None:
        log.warning("pages refused: %s", reason)
        self._staff.pages_changed("pages refused", reason[:200])
        show_message(self.message, self._strings["staff_pages_refused"].format(reason=reason))
        self._deciding(False)

    def _show_offer(self) -> None:
        offer, self._offer = self._offer, None
        if offer is None or offer.version is None:
            return
        number, pages = offer.version.number, self._pages
        # The swap checks and copies again: off the UI thread too.
        if self.working.start(lambda: Applied(pages.apply(offer), number)):
            show_message(self.message, self._strings["staff_pages_checking"], busy=True)
            self._deciding(False)

    def _applied(self, applied: Applied) -> None:
        kept = applied.kept
        if self._going_back:
            self._staff.pages_changed("went back to the previous pages",
                                      f"kept version {kept.number}")
            done = self._strings["staff_pages_back_done"]
        else:
            self._staff.pages_changed("pages loaded from the USB stick",
                                      f"stick version {applied.number}, kept as {kept.number}")
            done = self._strings["staff_pages_done"]
        self.refresh()
        show_message(self.message, done, busy=True)
        self.shown.emit()

    def _cancel(self) -> None:
        if self._offer is not None:
            self._pages.discard(self._offer)
            self._offer = None
        self.message.clear()
        self._deciding(False)

    def _close(self) -> None:
        self._cancel()
        self.closeTapped.emit()

    def forget(self) -> None:
        """The panel locked: drop any offer waiting for a yes."""
        self._cancel()
