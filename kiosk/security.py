"""The staff PIN: an Argon2id hash, and wrong tries that cost more and more time.

After each wrong try the next must wait a little longer (DELAYS); after LOCKOUT_AFTER wrong
tries in a row the panel stays shut for LOCKOUT_SECONDS, and every further wrong try shuts
it again until the panel is opened. A try is a PIN or, after a right PIN, the passphrase:
both share one count, which only a full unlock (PIN and passphrase) resets. A try that comes
too early is refused without being looked at (and is not counted).

Nothing fails open:
- every try is written down as a failure *before* it is checked, and undone only if it was
  right, so neither a full or read-only disk nor pulling the plug mid-check gives a free
  guess. While a try cannot be written down, every try is refused unchecked (the result says
  ``cannot_record``) and that is logged;
- the count and the waits are also kept in memory, and the stricter of memory and disk
  applies, so a lockout holds even if its file is replaced by an older copy.
Only `set_pin` and `clear_tries` (the ``kiosk set-pin`` and ``kiosk unlock-panel`` commands,
which need a terminal and the data folder) start afresh; they write a new ``reset`` token,
which tells a running kiosk to take the file's count instead of its own. The kiosk and such a
command are two processes: each holds an exclusive ``flock`` on ``staff-pin.json.lock`` (0600,
beside the file) from reading the state to writing it back, so neither overwrites the other's
change (a try recorded at the moment ``unlock-panel`` ran would otherwise undo it).
Qt-free; the clock is a plain function so tests never sleep.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk.private_files import open_private, private_dir, write_atomic

if sys.platform != "win32":
    # The desk app (which runs on Windows too) uses these rules for its passphrase; there
    # only this process's threads are kept apart (one desk app per user).
    import fcntl

log = logging.getLogger(__name__)

# PINs set before 6 digits were required still open the panel (and are flagged `short_pin`).
NEW_PIN_PATTERN = re.compile(r"[0-9]{6,8}")
MIN_NEW_PIN = 6
# Seconds to wait before the next try, after 1, 2, 3... wrong tries in a row.
DELAYS = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
LOCKOUT_AFTER = 10
LOCKOUT_SECONDS = 15 * 60.0


class WeakPin(ValueError):  # noqa: N818 - reads better at the call site
    """The PIN is not 6 to 8 digits."""


@dataclass(frozen=True)
class PinResult:
    ok: bool
    wait_seconds: float = 0.0  # how long before another try is allowed
    locked: bool = False  # the long lockout, not just the growing delay
    cannot_record: bool = False  # the try could not be written down, so it was not checked
    unchecked: bool = False  # refused without looking: too soon, locked or not recordable
    short_pin: bool = False  # right, but shorter than a new PIN may be


@dataclass
class _State:
    hash: str | None = None
    failures: int = 0
    next_try: float = 0.0
    locked_until: float = 0.0
    reset: str = ""  # a new token each time set_pin or clear_tries starts afresh


def _fresh(hash: str | None) -> _State:
    return _State(hash=hash, reset=secrets.token_hex(8))


class PinGuard:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time,
                 hasher: argon2.PasswordHasher | None = None) -> None:
        self.path = path
        self._clock = clock
        self._hasher = hasher or argon2.PasswordHasher()  # Argon2id, RFC 9106 low-memory
        # The strictest state this process has seen (or written); see _current.
        self._memory: _State | None = None
        # Tries come from a worker thread; one at a time.
        self._lock = threading.Lock()

    # State file --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold the state file for a load-change-save, against this process's other threads
        and against other processes (the kiosk and ``kiosk unlock-panel``)."""
        with self._lock:
            fd = self._open_lock_file()
            try:
                if fd is not None and sys.platform != "win32":
                    fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd is closed
                yield
            finally:
                if fd is not None:
                    os.close(fd)

    def _open_lock_file(self) -> int | None:
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            return open_private(lock_path, os.O_RDWR | os.O_CREAT)
        except OSError:
            pass
        try:  # a read-only disk: the lock file made at set-up still locks
            return os.open(lock_path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as e:
            # Without it the state file cannot be written either (same folder), so every
            # try is refused as unrecordable anyway; nothing opens because of this.
            log.warning("cannot open the staff PIN lock file: %s", e.strerror or e)
            return None

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

        reset = raw.get("reset", "")
        return _State(raw["hash"], int(number("failures")), number("next_try"),
                      number("locked_until"), reset if isinstance(reset, str) else "")

    def _save(self, state: _State) -> None:
        private_dir(self.path.parent)
        document = {"format": 1, "hash": state.hash, "failures": state.failures,
                    "next_try": state.next_try, "locked_until": state.locked_until,
                    "reset": state.reset}
        write_atomic(self.path, (json.dumps(document, indent=2) + "\n").encode("ascii"))

    def _current(self) -> _State:
        """The file's state, but never less strict than what this process has seen.

        The file wins outright only when it carries a new reset token (a PIN set or the
        tries cleared from a terminal); otherwise the higher count and later waits apply.
        """
        disk = self._load()
        if disk.hash is None:
            return disk  # never opens; and memory keeps its count for when the file is back
        memory = self._memory
        if memory is not None and disk.reset == memory.reset:
            disk.failures = max(disk.failures, memory.failures)
            disk.next_try = max(disk.next_try, memory.next_try)
            disk.locked_until = max(disk.locked_until, memory.locked_until)
        self._memory = replace(disk)
        return disk

    # API ---------------------------------------------------------------------------------

    def is_set(self) -> bool:
        return self._load().hash is not None

    def passphrase_only(self) -> None:
        """Count passphrase tries only (the desk app, which has no PIN): the file holds an
        empty hash, which no PIN matches. An existing file (and its count) is kept."""
        private_dir(self.path.parent)  # a new desk computer has no data folder yet
        with self._exclusive():
            if not self.path.exists():
                state = _fresh("")
                self._save(state)
                self._memory = replace(state)

    def set_pin(self, pin: str) -> None:
        """Store a new PIN (6 to 8 digits) and clear any wrong tries; raise WeakPin."""
        if not NEW_PIN_PATTERN.fullmatch(pin):
            raise WeakPin(f"the PIN must be {MIN_NEW_PIN} to 8 digits")
        state = _fresh(self._hasher.hash(pin))
        private_dir(self.path.parent)
        with self._exclusive():
            self._save(state)
            self._memory = replace(state)

    def clear_tries(self) -> int:
        """Forget every wrong try and end a lockout (``kiosk unlock-panel``).

        Returns how many wrong tries were forgotten; raises OSError if the file cannot be
        written (then nothing changed). A PIN that is not set stays not set.
        """
        with self._exclusive():
            state = self._load()
            if state.hash is None:
                return 0
            self._save(_fresh(state.hash))
            self._memory = None
            return state.failures

    def check(self, pin: str) -> PinResult:
        """The PIN step. A right PIN does not reset the count: only opening the panel does."""
        result = self._attempt(lambda hashed: self._verify(hashed, pin), opens=False, pin=pin)
        if result.ok and len(pin) < MIN_NEW_PIN:
            log.warning("the staff PIN is shorter than %d digits; set a new one with "
                        "'kiosk set-pin'", MIN_NEW_PIN)
            return replace(result, short_pin=True)
        return result

    def check_passphrase(self, verify: Callable[[], bool]) -> PinResult:
        """The passphrase step, counted like a PIN: ``verify`` says whether it was right.

        If ``verify`` raises (a damaged keys file, say), the try is not counted and the
        exception goes on.
        """
        return self._attempt(lambda _hashed: verify(), opens=True)

    # The rules -----------------------------------------------------------------------------

    def _attempt(self, verify: Callable[[str], bool], *, opens: bool,
                 pin: str | None = None) -> PinResult:
        with self._exclusive():
            state = self._current()
            if state.hash is None:
                return PinResult(ok=False)
            now = self._clock()
            self._clamp(state, now)
            if now < state.locked_until:
                return PinResult(ok=False, wait_seconds=state.locked_until - now, locked=True,
                                 unchecked=True)
            if now < state.next_try:
                return PinResult(ok=False, wait_seconds=state.next_try - now, unchecked=True)
            failed, refused = self._after_a_wrong_try(state, now)
            try:
                self._save(failed)  # written down before it is looked at
            except OSError as e:
                log.error("cannot record a staff try (%s): every try is refused until the "
                          "data disk can be written again", e.strerror or e)
                return PinResult(ok=False, cannot_record=True, unchecked=True)
            self._memory = replace(failed)
            try:
                right = verify(state.hash)
            except BaseException:
                self._put_back(state)  # not a guess that was answered
                raise
            if not right:
                if refused.locked:
                    log.warning("staff panel: %d wrong tries in a row; locked for %d minutes",
                                failed.failures, LOCKOUT_SECONDS // 60)
                return refused
            if opens:
                self._put_back(_State(hash=state.hash, reset=state.reset))
            else:
                if pin is not None and self._hasher.check_needs_rehash(state.hash):
                    state.hash = self._hasher.hash(pin)
                self._put_back(state)
            return PinResult(ok=True)

    def _clamp(self, state: _State, now: float) -> None:
        """If the clock was set back, a stored time may lie far in the future; never make
        anyone wait longer than the rules allow from now.

        The shorter wait is kept (memory and file): clamped afresh at every try, a lockout
        would otherwise end 15 minutes after the last try, never 15 minutes after the first.
        If the file cannot be written, it keeps the later time and the stricter one applies:
        that fails closed.
        """
        locked_until = min(state.locked_until, now + LOCKOUT_SECONDS)
        next_try = min(state.next_try, now + DELAYS[-1])
        if (locked_until, next_try) == (state.locked_until, state.next_try):
            return
        state.locked_until, state.next_try = locked_until, next_try
        log.warning("staff panel: a wait ran past what the rules allow (was the clock set "
                    "back?); shortened to end by the rules")
        self._memory = replace(state)
        try:
            self._save(state)
        except OSError as e:
            log.error("cannot save the shortened wait: %s", e.strerror or e)

    @staticmethod
    def _after_a_wrong_try(state: _State, now: float) -> tuple[_State, PinResult]:
        failed = replace(state, failures=state.failures + 1)
        if failed.failures >= LOCKOUT_AFTER:
            failed.locked_until = now + LOCKOUT_SECONDS
            failed.next_try = 0.0
            return failed, PinResult(ok=False, wait_seconds=LOCKOUT_SECONDS, locked=True)
        delay = DELAYS[min(failed.failures, len(DELAYS)) - 1]
        failed.next_try = now + delay
        return failed, PinResult(ok=False, wait_seconds=delay)

    def _put_back(self, state: _State) -> None:
        """Undo the failure written before a right (or unanswered) try."""
        self._memory = replace(state)
        try:
            self._save(state)
        except OSError as e:
            # The file keeps one failure too many, and _current takes the stricter of the
            # two: that costs staff a short wait at most, and never opens anything.
            log.error("cannot clear the staff try just recorded: %s", e.strerror or e)

    def _verify(self, hashed: str, pin: str) -> bool:
        try:
            return self._hasher.verify(hashed, pin)
        except VerificationError:  # includes VerifyMismatchError: the wrong PIN
            return False
        except InvalidHashError:
            log.error("the staff PIN hash in %s is damaged; set the PIN again", self.path)
            return False
