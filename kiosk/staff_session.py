"""The front desk's way in, without Qt: PIN, passphrase, unlock, lock, and the audit trail.

The staff panel (and later the front-desk app) asks this one object; every audit record of
the way in comes from here. The PIN and the passphrase are checked by the one `PinGuard`,
so a wrong passphrase costs the same growing wait as a wrong PIN.

Checks are slow on purpose (Argon2): `check_pin` and `check_passphrase` are meant to run on
a worker thread and touch nothing but the guard and the service. Their answers are taken on
the caller's own thread with `pin_checked` / `passphrase_checked`, together with the
ticket `begin_check` gave: every lock starts a new generation, and an answer from an
older one is thrown away, key and all.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from kiosk.security import PinGuard, PinResult
from kiosk.signups.crypto import WrongPassphrase
from kiosk.signups.service import Reader, SignupService
from kiosk.signups.store import StoreUnavailable

log = logging.getLogger(__name__)


class StaffStatus(enum.Enum):
    READY = "ready"
    # No PIN, or no clinic keys yet: `kiosk setup` has not been run.
    NOT_SET_UP = "not set up"
    # The sign-up database could not be opened (read-only or full disk; the log says why).
    STORE_UNAVAILABLE = "store unavailable"
    # Server mode: sign-ups go to the front desk's computer; this kiosk cannot read them.
    SENT_TO_DESK = "sent to desk"


@dataclass(frozen=True)
class PassphraseAnswer:
    result: PinResult
    reader: Reader | None = None


class StaffSession:
    def __init__(self, guard: PinGuard, service: SignupService | None, *,
                 sends_to_desk: bool = False) -> None:
        self.guard = guard
        self.service = service
        # A clinic server is configured: sign-ups are read at the desk, whatever keys are here.
        self.sends_to_desk = sends_to_desk
        self._reader: Reader | None = None
        self._generation = 0

    @property
    def reader(self) -> Reader | None:
        """The unlocked sign-ups (holding the private key), or None while locked."""
        return self._reader

    def waiting(self) -> int | None:
        """Sign-ups saved here and not yet on the clinic server (server mode); None if the
        store cannot say."""
        if self.service is None:
            return None
        try:
            return self.service.store.count()
        except StoreUnavailable:
            return None

    @property
    def unlocked(self) -> bool:
        return self._reader is not None

    def status(self) -> StaffStatus:
        if self.service is None:
            return StaffStatus.STORE_UNAVAILABLE
        if self.sends_to_desk or not self.service.readable_here():
            return StaffStatus.SENT_TO_DESK
        if not self.guard.is_set() or not self.service.ready():
            return StaffStatus.NOT_SET_UP
        return StaffStatus.READY

    # Checks (worker thread) ----------------------------------------------------------------

    def begin_check(self) -> int:
        """A ticket for a check about to start; `is_current` says if its answer still counts."""
        return self._generation

    def is_current(self, ticket: int) -> bool:
        return ticket == self._generation

    def check_pin(self, pin: str) -> PinResult:
        return self.guard.check(pin)

    def check_passphrase(self, passphrase: str) -> PassphraseAnswer:
        """Open the clinic's private key, counted as a try like a PIN (a wrong passphrase is
        audited by the service)."""
        service = self.service
        if service is None:
            raise RuntimeError("no sign-up service to unlock")
        opened: list[Reader] = []

        def verify() -> bool:
            try:
                opened.append(service.unlock(passphrase))
            except WrongPassphrase:
                return False
            return True

        result = self.guard.check_passphrase(verify)
        return PassphraseAnswer(result, opened[0] if opened else None)

    # Answers (the caller's thread) ---------------------------------------------------------

    def pin_checked(self, result: PinResult) -> None:
        if not result.ok:
            self._audit("wrong pin", "locked" if result.locked
                        else "not recorded" if result.cannot_record else "")
        else:
            self._audit("pin accepted")

    def passphrase_checked(self, answer: PassphraseAnswer) -> bool:
        """Keep the key if it opened; True when the sign-ups are now unlocked."""
        result = answer.result
        if not result.ok or answer.reader is None:
            if result.unchecked:
                self._audit("unlock refused", "locked" if result.locked
                            else "not recorded" if result.cannot_record else "too soon")
            return False
        self._reader = answer.reader
        return True

    # Locking -------------------------------------------------------------------------------

    def start(self) -> None:
        """A fresh way in (the PIN pad): nothing unlocked, any check still running ignored."""
        self._reader = None
        self._generation += 1

    def lock(self, reason: str = "") -> None:
        """Forget the key (and with it every decrypted entry); safe to call more than once.

        ``reason`` goes to the audit log with the lock: the Lock button, the panel's idle
        timer, leaving the panel, the patient idle reset."""
        if self._reader is not None:
            self._audit("lock", reason)
        self._reader = None
        self._generation += 1

    def exit_to_desktop(self) -> None:
        self._audit("exit to desktop")

    def pages_changed(self, action: str, detail: str) -> None:
        """The pages patients see were changed from the panel ("pages loaded from the USB
        stick", "went back to the previous pages"); ``detail`` names versions, never people's
        data."""
        self._audit(action, detail)

    def _audit(self, action: str, detail: str = "") -> None:
        if self.service is not None:
            self.service.audit.record(action, detail)
