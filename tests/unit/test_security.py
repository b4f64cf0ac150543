"""The staff PIN: hashed, slower after each wrong try, locked after ten. A fake clock, no sleeps.

The full and read-only disks are real: a small tmpfs mounted for the test (skipped, with the
reason, where mounting is not allowed).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from kiosk.security import DELAYS, LOCKOUT_AFTER, LOCKOUT_SECONDS, PinGuard, WeakPin
from tests.small_disk import fill, make_read_only, small_tmpfs

PIN = "246813"


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


@pytest.mark.parametrize("pin", ["", "123", "1234", "12345", "123456789", "12a456", "123 456",
                                 "١٢٣٤٥٦", "123456\n"])
def test_new_pins_are_6_to_8_ascii_digits(tmp_path, pin):
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


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
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


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
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


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
def test_a_wrong_pin_after_a_lockout_locks_again(guard, clock):
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER)
    result = guard.check("1111")
    assert result.locked
    assert result.wait_seconds == LOCKOUT_SECONDS


def test_only_opening_the_panel_resets_the_count(guard, clock):
    wrong_until_allowed(guard, clock, 5)
    assert guard.check(PIN).ok
    assert wrong_until_allowed(guard, clock, 1) == [(16, False)]  # the 6th, not the 1st
    assert guard.check(PIN).ok
    assert guard.check_passphrase(lambda: True).ok
    assert wrong_until_allowed(guard, clock, 2) == [(0, False), (1, False)]


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
def test_wrong_passphrases_share_the_delay_and_the_lockout(guard, clock, hasher):
    """Knowing the PIN must not give free passphrase guesses (issue 13, item 2)."""
    waits = []
    for _ in range(LOCKOUT_AFTER):
        assert guard.check(PIN).ok
        result = guard.check_passphrase(lambda: False)
        assert not result.ok
        waits.append((result.wait_seconds, result.locked))
        clock.now += result.wait_seconds
    assert waits == [(0, False), (1, False), (2, False), (4, False), (8, False), (16, False),
                     (30, False), (30, False), (30, False), (LOCKOUT_SECONDS, True)]
    clock.now -= 1
    asked = []
    refused = guard.check_passphrase(lambda: asked.append(1) or True)
    assert (refused.ok, refused.locked, asked) == (False, True, [])
    assert guard.check(PIN).locked


def test_a_passphrase_check_that_fails_is_not_counted(guard, clock):
    def damaged() -> bool:
        raise OSError("keys file unreadable")

    with pytest.raises(OSError, match="unreadable"):
        guard.check_passphrase(damaged)
    assert wrong_until_allowed(guard, clock, 1) == [(0, False)]
    assert json.loads(guard.path.read_text())["failures"] == 1


def test_a_try_is_written_down_before_it_is_checked(guard, clock):
    """Pulling the plug while the PIN is being checked must not give a free guess."""
    seen = []

    def verify() -> bool:
        seen.append(json.loads(guard.path.read_text())["failures"])
        return False

    guard.check_passphrase(verify)
    guard.check("0000")
    clock.now += 1
    guard.check_passphrase(verify)
    assert seen == [1, 3]


@pytest.mark.expect_log("kiosk.security", r"the staff PIN is shorter than 6 digits")
def test_an_old_4_digit_pin_still_opens_and_is_flagged(guard, clock, hasher):
    state = json.loads(guard.path.read_text())
    state["hash"] = hasher.hash("2468")  # set before 6 digits were required
    guard.path.write_text(json.dumps(state))
    result = guard.check("2468")
    assert (result.ok, result.short_pin) == (True, True)
    assert not guard.check(PIN).ok


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
def test_unlock_panel_clears_a_lockout_even_in_a_running_kiosk(guard, clock, hasher):
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER - 1)
    assert guard.check("0000").locked
    assert guard.check(PIN).locked
    from_a_terminal = PinGuard(guard.path, clock=clock, hasher=hasher)
    assert from_a_terminal.clear_tries() == LOCKOUT_AFTER
    assert guard.check(PIN).ok  # the running kiosk takes the file's fresh start


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
def test_a_lockout_holds_in_memory_when_its_file_is_put_back(guard, clock):
    before = guard.path.read_bytes()
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER - 1)
    assert guard.check("0000").locked
    guard.path.write_bytes(before)  # an older copy of the file, same PIN
    result = guard.check(PIN)
    assert result.locked


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
def test_the_count_survives_a_restart(guard, clock, hasher, tmp_path):
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER - 1)
    guard.check("0000")
    restarted = PinGuard(guard.path, clock=clock, hasher=hasher)
    assert restarted.check(PIN).locked


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked")
@pytest.mark.expect_log("kiosk.security", r"was the clock set back")
def test_a_clock_set_back_cannot_lock_for_longer_than_the_rules(guard, clock):
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER)
    clock.now -= 365 * 24 * 3600  # the kiosk's clock jumped back a year
    result = guard.check(PIN)
    assert result.locked
    assert result.wait_seconds == LOCKOUT_SECONDS


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
@pytest.mark.expect_log("kiosk.security", r"the staff PIN file .* is damaged")
def test_set_pin_clears_wrong_tries(guard, clock):
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER)
    guard.set_pin("135790")
    assert guard.check("135790").ok


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
@pytest.mark.expect_log("kiosk.security", r"staff PIN (file|hash in) .* is damaged")
def test_a_damaged_file_never_opens(guard, content, caplog):
    guard.path.write_text(content)
    assert not guard.check(PIN).ok
    assert "damaged" in caplog.text


def _tries_on_a_disk_that_cannot_be_written(guard, clock, hasher):
    checked = hasher.verified
    results = []
    for pin in ("0000", "1111", PIN):
        results.append(guard.check(pin))
        clock.now += 3600
    assert [r.ok for r in results] == [False, False, False]  # not even the right PIN
    assert all(r.cannot_record for r in results)
    assert not guard.check_passphrase(lambda: True).ok
    assert hasher.verified == checked  # refused without looking: no answer, no guess


@pytest.mark.expect_log("kiosk.security", r"cannot record a staff try \(No space left")
@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
def test_a_full_disk_refuses_every_try_and_keeps_the_lockout(tmp_path, clock, hasher, caplog):
    """Issue 13 item 1: on a full disk the old guard let 32,000 guesses an hour through."""
    with small_tmpfs(tmp_path / "disk") as disk:
        guard = PinGuard(disk / "staff-pin.json", clock=clock, hasher=hasher)
        guard.set_pin(PIN)
        wrong_until_allowed(guard, clock, LOCKOUT_AFTER - 1)
        fill(disk)
        with pytest.raises(OSError, match="No space left"):  # really full
            guard.set_pin("135790")
        _tries_on_a_disk_that_cannot_be_written(guard, clock, hasher)
        assert "every try is refused" in caplog.text
        (disk / "filler").unlink()
        clock.now += 1
        result = guard.check("0000")  # disk free again: the count went on where it was
        assert result.locked


@pytest.mark.expect_log("kiosk.security", r"cannot record a staff try \(Read-only")
def test_a_read_only_data_folder_refuses_every_try(tmp_path, clock, hasher, caplog):
    with small_tmpfs(tmp_path / "disk") as disk:
        guard = PinGuard(disk / "staff-pin.json", clock=clock, hasher=hasher)
        guard.set_pin(PIN)
        make_read_only(disk)
        _tries_on_a_disk_that_cannot_be_written(guard, clock, hasher)
        assert "every try is refused" in caplog.text


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked")
@pytest.mark.expect_log("kiosk.security", r"was the clock set back")
def test_a_lockout_shortened_after_the_clock_went_back_still_ends(guard, clock, hasher):
    """Review of issue 13 item 3: the shortened lockout was never saved, so it was shortened
    afresh at every try and ended 15 minutes after the *last* try: never, for a busy screen."""
    wrong_until_allowed(guard, clock, LOCKOUT_AFTER)
    clock.now -= LOCKOUT_SECONDS + 24 * 3600  # the lockout would end now; the clock went back
    assert guard.check(PIN).wait_seconds == LOCKOUT_SECONDS
    for _ in range(3):  # tries keep coming during the 15 minutes
        clock.now += LOCKOUT_SECONDS / 4
        assert guard.check(PIN).locked
    clock.now += LOCKOUT_SECONDS / 4
    assert guard.check(PIN).ok
    restarted = PinGuard(guard.path, clock=clock, hasher=hasher)  # and the file agrees
    assert restarted.check(PIN).ok


_SOURCE = Path(__file__).resolve().parents[2]  # the checkout this test runs from
_CLEAR_TRIES = ("import sys; from pathlib import Path; from kiosk.security import PinGuard; "
                "print(PinGuard(Path(sys.argv[1])).clear_tries())")


def _waiting_for_a_lock(pid: int) -> bool:
    """Whether process ``pid`` is blocked waiting for a file lock (``/proc/locks``, "->")."""
    locks = Path("/proc/locks").read_text(encoding="ascii").splitlines()
    return any("->" in line and f" {pid} " in line for line in locks)


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked")
def test_unlock_panel_is_not_undone_by_a_try_recorded_at_the_same_moment(guard, clock, hasher):
    """Review of issue 13 item 3: ``kiosk unlock-panel`` (another process) writing between the
    running kiosk's read and write of a try was overwritten: the panel stayed locked."""
    import os
    import subprocess
    import sys
    import time

    wrong_until_allowed(guard, clock, LOCKOUT_AFTER)
    clock.now += LOCKOUT_SECONDS  # the lockout ends; a patient's wrong try races the terminal
    terminal: list[subprocess.Popen[str]] = []
    kiosk_clock = guard._clock

    def clock_with_the_terminal_command_in_between() -> float:
        if not terminal:  # between reading the state and writing the try back
            child = subprocess.Popen([sys.executable, "-c", _CLEAR_TRIES, str(guard.path)],
                                     stdout=subprocess.PIPE, text=True,
                                     env=os.environ | {"PYTHONPATH": str(_SOURCE)})
            terminal.append(child)
            deadline = time.monotonic() + 60  # until it is done, or waits for our lock
            while child.poll() is None and not _waiting_for_a_lock(child.pid):
                assert time.monotonic() < deadline, "the terminal command neither ran nor waited"
                time.sleep(0.01)
        return kiosk_clock()

    guard._clock = clock_with_the_terminal_command_in_between
    assert not guard.check("0000").ok
    out, _ = terminal[0].communicate(timeout=60)
    assert terminal[0].returncode == 0
    assert int(out) == LOCKOUT_AFTER + 1  # it forgot the racing try too
    guard._clock = kiosk_clock
    clock.now += 1
    assert guard.check(PIN).ok  # staff, right after running unlock-panel
    assert stat.S_IMODE((guard.path.parent / "staff-pin.json.lock").stat().st_mode) == 0o600
