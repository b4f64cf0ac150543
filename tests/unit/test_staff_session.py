"""The front desk's way in without Qt: one count for PIN and passphrase, the audit trail,
and a lock that forgets the key and every answer still on its way (real PinGuard, keys
file, store and audit log in the test's folder)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from kiosk.audit import AuditLog
from kiosk.security import PinGuard
from kiosk.signups.crypto import FLOOR_COST, MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys
from kiosk.signups.service import SignupService
from kiosk.signups.store import SignupStore
from kiosk.staff_session import StaffSession, StaffStatus

PIN = "135790"
PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def parts(make_settings):
    settings = make_settings()
    store = SignupStore.open(settings.signups_db)
    guard = PinGuard(settings.pin_file,
                     hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    service = SignupService(store, settings.keys_file, AuditLog(settings.audit_log),
                            key_cost=FLOOR_COST)
    yield settings, guard, service
    store.close()


def set_up(settings, guard) -> None:
    create_keys(settings.keys_file, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    guard.set_pin(PIN)


def actions(service: SignupService) -> list[tuple[str, str]]:
    return [(r["action"], r.get("detail", "")) for r in service.audit.records()]


def test_status_says_what_is_missing(parts):
    settings, guard, service = parts
    assert StaffSession(guard, None).status() is StaffStatus.STORE_UNAVAILABLE
    assert StaffSession(guard, service).status() is StaffStatus.NOT_SET_UP
    set_up(settings, guard)
    assert StaffSession(guard, service).status() is StaffStatus.READY


def test_pin_then_passphrase_unlocks_and_a_lock_forgets_the_key(parts):
    settings, guard, service = parts
    set_up(settings, guard)
    staff = StaffSession(guard, service)
    staff.start()
    result = staff.check_pin(PIN)
    staff.pin_checked(result)
    assert result.ok
    assert staff.passphrase_checked(staff.check_passphrase(PASSPHRASE))
    assert staff.unlocked
    assert staff.reader is not None
    staff.lock("button")
    staff.lock("button")  # a second lock records nothing: nothing was open
    assert staff.reader is None
    assert actions(service) == [("pin accepted", ""), ("unlock", ""), ("lock", "button")]


def test_wrong_pin_and_wrong_passphrase_share_one_count(parts):
    settings, guard, service = parts
    set_up(settings, guard)
    staff = StaffSession(guard, service)
    staff.pin_checked(staff.check_pin("000000"))
    answer = staff.check_passphrase("wrong")
    assert not staff.passphrase_checked(answer)
    assert not staff.unlocked
    # The second wrong try of either kind waits longer than the first.
    assert answer.result.wait_seconds > 0
    assert actions(service)[0][0] == "wrong pin"


def test_an_answer_that_comes_after_a_lock_does_not_count(parts):
    settings, guard, service = parts
    set_up(settings, guard)
    staff = StaffSession(guard, service)
    staff.start()
    ticket = staff.begin_check()
    answer = staff.check_passphrase(PASSPHRASE)  # as if on the worker thread
    assert answer.reader is not None
    staff.lock("idle")  # the panel locked meanwhile
    assert not staff.is_current(ticket)
    assert staff.begin_check() != ticket
    assert not staff.unlocked
