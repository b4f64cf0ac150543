"""The desk's way in: the passphrase opens the clinic's private key, with wrong tries
throttled by the kiosk's own `PinGuard` rules.

The desk has no PIN: its guard file holds no PIN hash (`PinGuard.passphrase_only`), so only
passphrase tries are counted, with the same growing waits and lockout as the kiosk's panel,
written down before each try is looked at (nothing fails open).

Checks are slow on purpose (Argon2): `check` runs on a worker thread; its answer is taken on
the caller's thread with `checked` and the ticket `begin_check` gave. Every lock starts a
new generation, and an answer from an older one is thrown away, key and all (as
kiosk/staff_session.py does for the panel).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nacl.public

from kiosk.security import PinGuard, PinResult
from kiosk.signups import crypto

log = logging.getLogger(__name__)

# Where an audit record goes (the server's desk_audit); it must never raise.
Record = Callable[[str], None]


@dataclass(frozen=True)
class UnlockAnswer:
    result: PinResult
    key: nacl.public.PrivateKey | None = None


@dataclass(frozen=True)
class ChangeAnswer:
    result: PinResult
    # A plain-words problem with the new passphrase (too short); the old one was right.
    problem: str = ""


class DeskSession:
    def __init__(self, guard: PinGuard, keys_file: Path, record: Record,
                 key_cost: crypto.KdfCost = crypto.CURRENT_COST) -> None:
        self.guard = guard
        self.keys_file = keys_file
        self._record = record
        self._key: nacl.public.PrivateKey | None = None
        self._generation = 0
        # New files (and a cheaper file, after a right passphrase) are locked at this cost.
        self.key_cost = key_cost

    @property
    def key(self) -> nacl.public.PrivateKey | None:
        """The clinic's private key while unlocked, else None."""
        return self._key

    @property
    def unlocked(self) -> bool:
        return self._key is not None

    def has_keys(self) -> bool:
        """False until this desk has made (or been given) the clinic's keys file."""
        return self.keys_file.exists()

    def public_key(self) -> bytes:
        """The public half, to publish for the kiosks; raises KeysMissing or KeysDamaged."""
        return bytes(crypto.load_public_key(self.keys_file))

    # Worker thread -------------------------------------------------------------------------

    def begin_check(self) -> int:
        return self._generation

    def is_current(self, ticket: int) -> bool:
        return ticket == self._generation

    def check(self, passphrase: str) -> UnlockAnswer:
        """Open the private key, counted as a try; KeysMissing / KeysDamaged go on."""
        opened: list[nacl.public.PrivateKey] = []

        def verify() -> bool:
            try:
                opened.append(crypto.unlock(self.keys_file, passphrase,
                                            rewrap_at=self.key_cost))
            except crypto.WrongPassphrase:
                return False
            return True

        result = self.guard.check_passphrase(verify)
        return UnlockAnswer(result, opened[0] if opened else None)

    def change(self, old: str, new: str) -> ChangeAnswer:
        """Lock the same key under ``new``; the old passphrase counts as a try, so this is
        no way around the throttle. A too-short ``new`` costs no try (``problem="weak"``)."""

        def verify() -> bool:
            try:
                crypto.change_passphrase(self.keys_file, old, new,
                                         opslimit=self.key_cost.opslimit,
                                         memlimit=self.key_cost.memlimit)
            except crypto.WrongPassphrase:
                return False
            return True  # WeakPassphrase goes on: the guard does not count that try

        try:
            result = self.guard.check_passphrase(verify)
        except crypto.WeakPassphrase:
            return ChangeAnswer(PinResult(ok=False), problem="weak")
        return ChangeAnswer(result)

    def create_keys(self, passphrase: str) -> None:
        """Make the clinic's key pair here (first run); raises KeysExist, WeakPassphrase."""
        crypto.create_keys(self.keys_file, passphrase, opslimit=self.key_cost.opslimit,
                           memlimit=self.key_cost.memlimit)

    # Caller's thread -----------------------------------------------------------------------

    def checked(self, ticket: int, answer: UnlockAnswer) -> bool:
        """Keep the key if it opened and the ticket still counts; True when now unlocked."""
        if not self.is_current(ticket):
            return False
        if not answer.result.ok or answer.key is None:
            if answer.result.unchecked:
                self._record("unlock refused")
            elif not answer.result.ok:
                self._record("wrong passphrase")
            return False
        self._key = answer.key
        self._record("unlock")
        return True

    def changed(self, answer: ChangeAnswer) -> None:
        if answer.result.ok and not answer.problem:
            self._record("passphrase changed")

    def lock(self, reason: str = "") -> None:
        """Forget the key (and with it every decrypted entry); safe to call more than once."""
        if self._key is not None:
            self._record(f"lock{': ' + reason if reason else ''}")
        self._key = None
        self._generation += 1
