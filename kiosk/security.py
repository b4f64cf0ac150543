"""The staff PIN: an Argon2id hash, and wrong guesses that cost more and more time.

After each wrong PIN the next try must wait a little longer (DELAYS); after LOCKOUT_AFTER
wrong PINs in a row the panel stays shut for LOCKOUT_SECONDS, and every further wrong PIN
shuts it again until a right one resets the count. A try that comes too early is refused
without looking at the PIN (and is not counted). The hash, the count and the waiting times
are kept in a private JSON file, so turning the kiosk off and on does not reset them.
Qt-free; the clock is a plain function so tests never sleep.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk.private_files import private_dir, write_atomic

log = logging.getLogger(__name__)

PIN_PATTERN = re.compile(r"[0-9]{4,8}")
# Seconds to wait before the next try, after 1, 2, 3... wrong PINs in a row.
DELAYS = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
LOCKOUT_AFTER = 10
LOCKOUT_SECONDS = 15 * 60.0


class WeakPin(ValueError):  # noqa: N818 - reads better at the call site
    """The PIN is not 4 to 8 digits."""


@dataclass(frozen=True)
class PinResult:
    ok: bool
    wait_seconds: float = 0.0  # how long before another try is allowed
    locked: bool = False  # the long lockout, not just the growing delay


@dataclass
class _State:
    hash: str | None = None
    failures: int = 0
    next_try: float = 0.0
    locked_until: float = 0.0


class PinGuard:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time,
                 hasher: argon2.PasswordHasher | None = None) -> None:
        self.path = path
        self._clock = clock
        self._hasher = hasher or argon2.PasswordHasher()  # Argon2id, RFC 9106 low-memory

    # State file --------------------------------------------------------------------------

    def _load(self) -> _State:
        try:
            raw: Any = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return _State()
        except (OSError, ValueError):
            # Unreadable: treat the PIN as not set (the panel then says "not set up") rather
            # than let a damaged file open it.
            log.error("the staff PIN file %s is damaged; set the PIN again", self.path)
            return _State()
        if not isinstance(raw, dict) or not isinstance(raw.get("hash"), str):
            log.error("the staff PIN file %s is damaged; set the PIN again", self.path)
            return _State()

        def number(key: str) -> float:
            value = raw.get(key, 0)
            return float(value) if isinstance(value, int | float) else 0.0

        return _State(raw["hash"], int(number("failures")), number("next_try"),
                      number("locked_until"))

    def _save(self, state: _State) -> None:
        private_dir(self.path.parent)
        document = {"format": 1, "hash": state.hash, "failures": state.failures,
                    "next_try": state.next_try, "locked_until": state.locked_until}
        write_atomic(self.path, (json.dumps(document, indent=2) + "\n").encode("ascii"))

    # API ---------------------------------------------------------------------------------

    def is_set(self) -> bool:
        return self._load().hash is not None

    def set_pin(self, pin: str) -> None:
        """Store a new PIN (4 to 8 digits) and clear any wrong tries; raise WeakPin."""
        if not PIN_PATTERN.fullmatch(pin):
            raise WeakPin("the PIN must be 4 to 8 digits")
        self._save(_State(hash=self._hasher.hash(pin)))

    def check(self, pin: str) -> PinResult:
        state = self._load()
        if state.hash is None:
            return PinResult(ok=False)
        now = self._clock()
        # If the clock was set back, a stored time may lie far in the future; never make
        # anyone wait longer than the rules allow from now.
        state.locked_until = min(state.locked_until, now + LOCKOUT_SECONDS)
        state.next_try = min(state.next_try, now + DELAYS[-1])
        if now < state.locked_until:
            return PinResult(ok=False, wait_seconds=state.locked_until - now, locked=True)
        if now < state.next_try:
            return PinResult(ok=False, wait_seconds=state.next_try - now)
        if self._verify(state.hash, pin):
            if self._hasher.check_needs_rehash(state.hash):
                state.hash = self._hasher.hash(pin)
            try:
                self._save(_State(hash=state.hash))
            except OSError as e:  # the right PIN still opens; the old count stays on disk
                log.error("cannot reset the staff PIN tries: %s", e.strerror)
            return PinResult(ok=True)
        state.failures += 1
        if state.failures >= LOCKOUT_AFTER:
            state.locked_until = now + LOCKOUT_SECONDS
            state.next_try = 0.0
            log.warning("staff PIN: %d wrong in a row; panel locked for %d minutes",
                        state.failures, LOCKOUT_SECONDS // 60)
            result = PinResult(ok=False, wait_seconds=LOCKOUT_SECONDS, locked=True)
        else:
            delay = DELAYS[min(state.failures, len(DELAYS)) - 1]
            state.next_try = now + delay
            result = PinResult(ok=False, wait_seconds=delay)
        try:
            self._save(state)
        except OSError as e:
            # A wrong try that cannot be counted must not be free: fail closed.
            log.error("cannot record a wrong staff PIN (%s); refusing PINs for now", e.strerror)
            return PinResult(ok=False, wait_seconds=LOCKOUT_SECONDS, locked=True)
        return result

    def _verify(self, hashed: str, pin: str) -> bool:
        try:
            return self._hasher.verify(hashed, pin)
        except VerificationError:  # includes VerifyMismatchError: the wrong PIN
            return False
        except InvalidHashError:
            log.error("the staff PIN hash in %s is damaged; set the PIN again", self.path)
            return False
