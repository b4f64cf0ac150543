"""What the desk does with its passphrase and keys, each Argon2 check on an `OffThread` so
the window never waits: unlock, the first set-up (only if the server has no clinic key
yet), publishing this desk's public key, changing the passphrase. The window owns one,
forwards the server's answers to it, and opens the tabs when it says `opened`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.desk.server_link import ServerLink
from kiosk.desk.session import ChangeAnswer, DeskSession, UnlockAnswer
from kiosk.signups.crypto import KeysError
from kiosk.ui.desk.unlock_view import UnlockView, refusal
from kiosk.ui.services.off_thread import OffThread, Outcome

log = logging.getLogger(__name__)

# The tags of the server calls whose answers the window hands back here.
SETUP_TAG = "server key before setup"
KEY_TAG = "clinic key"


class KeyFlows(QObject):
    opened = Signal()  # the passphrase was right: the key is in the session
    keysMade = Signal(str)  # first set-up done: show the unlock screen with this message
    said = Signal(str)  # a line for the status bar

    def __init__(self, strings: Mapping[str, str], session: DeskSession, link: ServerLink,
                 lock_view: UnlockView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._strings = strings
        self._session = session
        self._link = link
        self._lock_view = lock_view
        self._setup_passphrase = ""
        self.checker = OffThread("desk-passphrase", self)
        self.checker.finished.connect(self._checked)
        self._pending: Callable[[Outcome], None] | None = None

    def _run(self, call: Callable[[], object], then: Callable[[Outcome], None]) -> bool:
        if not self.checker.start(call):
            return False
        self._pending = then
        return True

    def _checked(self, outcome: Outcome) -> None:
        then, self._pending = self._pending, None
        if then is not None:
            then(outcome)

    def unlock(self, passphrase: str) -> None:
        ticket = self._session.begin_check()
        session = self._session

        def answered(outcome: Outcome) -> None:
            if isinstance(outcome.error, KeysError):
                self._lock_view.refused(self._strings["desk_keys_problem"].format(
                    reason=outcome.error))
                return
            if outcome.error is not None:
                log.error("the passphrase check failed: %s", type(outcome.error).__name__)
                self._lock_view.refused(self._strings["desk_keys_problem"].format(
                    reason=type(outcome.error).__name__))
                return
            answer = outcome.value
            assert isinstance(answer, UnlockAnswer)
            if not session.checked(ticket, answer):
                self._lock_view.refused(refusal(self._strings, answer.result))
                return
            self.opened.emit()

        if not self._run(lambda: session.check(passphrase), answered):
            self._lock_view.set_busy(False)

    def create_keys(self, passphrase: str) -> None:
        """First run: only if the server has no clinic key yet (a second desk uses the first
        desk's keys file; new keys published over it would leave every kiosk sealing to a
        key the other desk cannot open). The answer comes back in `server_key_before_setup`."""
        self._setup_passphrase = passphrase
        self._link.submit(SETUP_TAG, lambda store: store.public_key())

    def server_key_before_setup(self, existing: object) -> None:
        passphrase, self._setup_passphrase = self._setup_passphrase, ""
        if existing is not None:
            self._lock_view.show_setup(self._strings["desk_setup_other_desk"])
            return
        session = self._session

        def make() -> bytes:
            session.create_keys(passphrase)
            return session.public_key()

        def made(outcome: Outcome) -> None:
            if outcome.error is not None:
                self._lock_view.show_setup(self._strings["desk_keys_problem"].format(
                    reason=outcome.error))
                return
            self.sync_key()
            self.keysMade.emit(self._strings["desk_setup_published"])

        if not self._run(make, made):
            self._lock_view.set_busy(False)

    def setup_needs_server(self, reason: str) -> None:
        """The server could not say whether it has a clinic key: no set-up yet."""
        self._setup_passphrase = ""
        self._lock_view.show_setup(self._strings["desk_setup_needs_server"].format(
            reason=reason))

    def sync_key(self) -> None:
        """Publish this desk's public key if the server has none; the answer (under
        `KEY_TAG`) says whether the server has another."""
        try:
            mine = self._session.public_key()
        except KeysError:
            return

        def sync(store: Any) -> str:
            existing = store.public_key()
            if existing is None:
                store.set_public_key(mine)
                return "published"
            return "same" if existing == mine else "other"

        self._link.submit(KEY_TAG, sync)

    def change(self, old: str, new: str) -> None:
        session = self._session

        def answered(outcome: Outcome) -> None:
            if outcome.error is not None:
                self.said.emit(self._strings["desk_keys_problem"].format(reason=outcome.error))
                return
            answer = outcome.value
            assert isinstance(answer, ChangeAnswer)
            session.changed(answer)
            if answer.problem:
                self.said.emit(self._strings["desk_setup_weak"])
            elif answer.result.ok:
                self.said.emit(self._strings["desk_changed"])
            else:
                self.said.emit(refusal(self._strings, answer.result))

        self._run(lambda: session.change(old, new), answered)
