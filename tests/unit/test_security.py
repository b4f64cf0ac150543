"""The staff PIN: hashed, slower after each wrong try, locked after ten. A fake clock, no sleeps."""

from __future__ import annotations

import json
import stat

import pytest
from argon2 import PasswordHasher

from kiosk.security import DELAYS, LOCKOUT_AFTER, LOCKOUT_SECONDS, PinGuard, WeakPin

PIN = "2468"


class CountingHasher(PasswordHasher):
    """A real, cheap Argon2id hasher that counts how often a PIN was actually checked."""

    def __init__(self, **costs: int) -> None:
        super().__init__(**({"time_cost": 1, "memory_cost": 8, "parallelism": 1} | costs))
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def hasher():
    return CountingHasher()


@pytest.fixture
def guard(tmp_path, clock, hasher):
    pins = PinGuard(tmp_path / "data" / "staff-pin.json", clock=clock, hasher=hasher)
    pins.set_pin(PIN)
    return pins


def wrong_until_allowed(guard, clock, times):
    """Type a wrong PIN ``times`` times, each as soon as allowed; return the waits given."""
    waits = []
    for _ in range(times):
        result = guard.check("0000")
        assert not result.ok
        waits.append((result.wait_seconds, result.locked))
        clock.now += result.wait_seconds
    return waits


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "12 34", "١٢٣٤", "1234\n"])
def test_only_4_to_8_ascii_digits(tmp_path, pin):
    with pytest.raises(WeakPin):
        PinGuard(tmp_path / "pin.json").set_pin(pin)
    assert not (tmp_path / "pin.json").exists()


def test_the_file_is_private_and_holds_an_argon2id_hash(guard):
    assert guard.is_set()
    assert stat.S_IMODE(guard.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(guard.path.parent.stat().st_mode) == 0o700
    state = json.loads(guard.path.read_text())
    assert state["hash"].startswith("$argon2id$")
    assert PIN not in guard.path.read_text()


def test_not_set_never_opens(tmp_path):
    pins = PinGuard(tmp_path / "pin.json")
    assert not pins.is_set()
    assert not pins.check("1234").ok


def test_right_pin_opens(guard):
    assert guard.check(PIN).ok
    assert guard.check(PIN).ok


def test_growing_delay_then_lockout(guard, clock):
    waits = wrong_until_allowed(guard, clock, LOCKOUT_AFTER)
    assert waits == [(0, False), (1, False), (2, False), (4, False), (8, False), (16, False),
                     (30, False), (30, False), (30, False), (LOCKOUT_SECONDS, True)]
    assert DELAYS[-1] == 30
    assert LOCKOUT_SECONDS == 15 * 60


def test_a_try_during_the_wait_is_refused_unchecked_and_uncounted(guard, clock, hasher):
    wrong_until_allowed(guard, clock, 2)
    clock.now -= 1  # undo the last wait: the next try comes too early
    checked = hasher.verified
    result = guard.check(PIN)  # even the right PIN
    assert (result.ok, result.locked, result.wait_seconds) == (False, False, 1)
    clock.now += 0.5
    assert guard.check(PIN).wait_seconds == pytest.approx(0.5)
    assert hasher.verified == checked
    clock.now += 0.5
    assert guard.check("0000").wait_seconds == 2  # the third wrong try, not the fifth


def test_lockout_refuses_even_the_right_pin_until_it_ends(guard, clock, hasher):
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER - 1)
    locked = guard.check("0000")
    assert locked.locked
    checked = hasher.verified
    clock.now += LOCKOUT_SECONDS - 1
    result = guard.check(PIN)
    assert (result.ok, result.locked, result.wait_seconds) == (False, True, 1)
    assert hasher.verified == checked
    clock.now += 1
    assert guard.check(PIN).ok


def test_a_wrong_pin_after_a_lockout_locks_again(guard, clock):
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER)
    result = guard.check("1111")
    assert result.locked
    assert result.wait_seconds == LOCKOUT_SECONDS


def test_a_right_pin_resets_the_count(guard, clock):
    wrong_until_allowed(guard, clock, 5)
    assert guard.check(PIN).ok
    assert wrong_until_allowed(guard, clock, 2) == [(0, False), (1, False)]


def test_the_count_survives_a_restart(guard, clock, hasher, tmp_path):
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER - 1)
    guard.check("0000")
    restarted = PinGuard(guard.path, clock=clock, hasher=hasher)
    assert restarted.check(PIN).locked


def test_a_clock_set_back_cannot_lock_for_longer_than_the_rules(guard, clock):
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER)
    clock.now -= 365 * 24 * 3600  # the kiosk's clock jumped back a year
    result = guard.check(PIN)
    assert result.locked
    assert result.wait_seconds == LOCKOUT_SECONDS


def test_set_pin_clears_wrong_tries(guard, clock):
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER)
    guard.set_pin("13579")
    assert guard.check("13579").ok


def test_an_old_hash_is_upgraded_on_a_right_pin(guard, clock, tmp_path):
    stronger = CountingHasher(time_cost=2)
    assert stronger.check_needs_rehash(json.loads(guard.path.read_text())["hash"])
    upgraded = PinGuard(guard.path, clock=clock, hasher=stronger)
    assert upgraded.check(PIN).ok
    new_hash = json.loads(guard.path.read_text())["hash"]
    assert "t=2" in new_hash
    assert not stronger.check_needs_rehash(new_hash)
    assert upgraded.check(PIN).ok


@pytest.mark.parametrize("content", ["not json", "[]", '{"hash": 5}', '{"hash": "nonsense"}'])
def test_a_damaged_file_never_opens(guard, content, caplog):
    guard.path.write_text(content)
    assert not guard.check(PIN).ok
    assert "damaged" in caplog.text


def test_a_wrong_try_that_cannot_be_saved_fails_closed(guard, monkeypatch):
    def disk_full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kiosk.security.write_atomic", disk_full)
    result = guard.check("0000")
    assert (result.ok, result.locked) == (False, True)
    assert guard.check(PIN).ok  # the right PIN still opens the panel
