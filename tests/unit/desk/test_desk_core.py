"""The desk's rules without Qt or a server: unlock throttled by the kiosk's PinGuard rules,
the inbox (opened once, newest first, arrivals counted), search by name, phone or e-mail,
the idle lock on a test clock, and the CSV export's escaping. Real keys files and real
sealed entries in the test's folder."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.desk.csv_export import DESK_HEADER, write_desk_csv
from kiosk.desk.idle_lock import IdleLock
from kiosk.desk.inbox import Inbox
from kiosk.desk.session import DeskSession
from kiosk.security import DELAYS, LOCKOUT_AFTER, PinGuard
from kiosk.signups import crypto
from kiosk.signups.desk_format import DeskFormat
from kiosk.signups.entry import Signup
from kiosk.signups.export import HEADER

PASSPHRASE = "correct horse battery staple"
T0 = datetime(2026, 12, 5, 14, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Sealed:
    """The shape of a server row (kiosk.server.desk_store.ServerEntry) for the inbox."""

    id: uuid.UUID
    kiosk: str
    created_at: datetime
    consent_version: str
    sealed: bytes
    contacted_at: datetime | None = None


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def make_keys(path: Path) -> None:
    crypto.create_keys(path, PASSPHRASE, opslimit=crypto.OPSLIMIT_FLOOR,
                       memlimit=crypto.MEMLIMIT_FLOOR)


def signup(name: str, phone: str = "", email: str = "", note: str = "",
           language: str = "en") -> Signup:
    return Signup(name=name, phone=phone, email=email, contact_time="morning", note=note,
                  consent_version="v1", language=language)


def sealed(path: Path, s: Signup, minutes: int, kiosk: str = "Waiting room 1") -> Sealed:
    public = crypto.load_public_key(path)
    return Sealed(uuid.uuid4(), kiosk, T0 + timedelta(minutes=minutes), "v1",
                  crypto.seal(public, s.to_json()))


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    path = tmp_path / "clinic-keys.json"
    make_keys(path)
    return path


@pytest.fixture
def session(tmp_path: Path, keys: Path) -> tuple[DeskSession, Clock, list[str]]:
    clock = Clock()
    guard = PinGuard(tmp_path / "desk-unlock.json", clock=clock)
    guard.passphrase_only()
    records: list[str] = []
    return DeskSession(guard, keys, records.append, key_cost=crypto.FLOOR_COST), clock, records


def test_the_right_passphrase_unlocks_and_the_lock_forgets_the_key(session) -> None:
    desk, _clock, records = session
    ticket = desk.begin_check()
    assert desk.checked(ticket, desk.check(PASSPHRASE))
    assert desk.unlocked
    assert desk.key is not None
    desk.lock("idle")
    assert desk.key is None
    assert records == ["unlock", "lock: idle"]


def test_wrong_passphrases_wait_longer_each_time_and_a_try_too_soon_is_not_looked_at(
        session) -> None:
    desk, clock, records = session
    first = desk.check("not the passphrase")
    assert not first.result.ok
    assert first.key is None
    assert first.result.wait_seconds == DELAYS[0]
    second = desk.check("still not it")
    assert second.result.wait_seconds == DELAYS[1]
    # Too soon: refused unchecked, even with the right passphrase.
    early = desk.check(PASSPHRASE)
    assert early.result.unchecked
    assert early.key is None
    clock.now += DELAYS[1]
    assert desk.checked(desk.begin_check(), desk.check(PASSPHRASE))
    assert records == ["unlock"]


@pytest.mark.expect_log("kiosk.security", "wrong tries in a row")
def test_the_count_survives_a_restart_of_the_desk(tmp_path: Path, keys: Path) -> None:
    clock = Clock()
    guard_file = tmp_path / "desk-unlock.json"
    for _ in range(LOCKOUT_AFTER):
        guard = PinGuard(guard_file, clock=clock)
        guard.passphrase_only()  # a restart keeps the file, and its count
        desk = DeskSession(guard, keys, lambda _a: None, key_cost=crypto.FLOOR_COST)
        answer = desk.check("wrong passphrase")
        if not answer.result.locked:
            clock.now += answer.result.wait_seconds
    assert answer.result.locked
    locked = DeskSession(PinGuard(guard_file, clock=clock), keys, lambda _a: None,
                         key_cost=crypto.FLOOR_COST).check(PASSPHRASE)
    assert locked.result.locked
    assert locked.key is None


def test_an_answer_from_before_a_lock_is_thrown_away(session) -> None:
    desk, _clock, _records = session
    ticket = desk.begin_check()
    answer = desk.check(PASSPHRASE)
    desk.lock("lock button")
    assert not desk.checked(ticket, answer)
    assert not desk.unlocked


def test_a_passphrase_change_rewraps_the_same_key_and_counts_the_old_one_as_a_try(
        session, keys: Path) -> None:
    desk, clock, _records = session
    before = crypto.load_public_key(keys)
    wrong = desk.change("not the old one", "a brand new passphrase")
    assert not wrong.result.ok
    assert wrong.result.wait_seconds == DELAYS[0]
    weak = desk.change(PASSPHRASE, "short")
    assert weak.problem == "weak"
    clock.now += 60
    assert desk.change(PASSPHRASE, "a brand new passphrase").result.ok
    key = crypto.unlock(keys, "a brand new passphrase")
    assert key.public_key == before
    with pytest.raises(crypto.WrongPassphrase):
        crypto.unlock(keys, PASSPHRASE)


@pytest.mark.expect_log("kiosk.desk.inbox", "cannot be opened")
def test_inbox_newest_first_with_arrivals_counted_and_each_entry_opened_once(
        keys: Path) -> None:
    key = crypto.unlock(keys, PASSPHRASE)
    inbox = Inbox(key, DeskFormat("en", "US"))
    old = sealed(keys, signup("Ana Peña", phone="+12025550143"), 0)
    newer = sealed(keys, signup("Zoë Quinn", email="zoe@example.org"), 5, kiosk="Hall")
    assert inbox.update([old, newer]) == []  # the first list is what was there: no news
    assert [r.signup.name for r in inbox.rows if r.signup] == ["Zoë Quinn", "Ana Peña"]
    assert inbox.changed
    first = inbox.rows[0].signup
    inbox.update([newer, old])
    assert inbox.rows[0].signup is first  # not opened again
    assert not inbox.changed  # the same list: nothing to redraw
    other_key = crypto.load_public_key(keys)
    damaged = Sealed(uuid.uuid4(), "Hall", T0 + timedelta(minutes=9), "v1",
                     crypto.seal(other_key, b"not a sign-up"))
    fresh = sealed(keys, signup("Bo Li", phone="+12025550100"), 10)
    arrived = inbox.update([old, newer, fresh, damaged])
    assert {r.id for r in arrived} == {fresh.id, damaged.id}
    assert list(inbox.arrived) == [fresh.id, damaged.id]
    assert inbox.rows[0].id == fresh.id
    assert inbox.row(damaged.id) is not None
    assert not inbox.row(damaged.id).readable
    assert inbox.not_contacted() == 4
    inbox.acknowledge()
    assert inbox.arrived == ()
    marked = Sealed(old.id, old.kiosk, old.created_at, "v1", old.sealed, contacted_at=T0)
    inbox.update([marked, newer, fresh, damaged])
    assert inbox.changed  # marked contacted (at another desk): redraw
    # Deleted on the server: gone from the list and from the arrivals.
    inbox.update([old])
    assert [r.id for r in inbox.rows] == [old.id]


@pytest.mark.expect_log("kiosk.desk.inbox", "cannot be opened")
def test_an_entry_that_does_not_open_is_a_row_not_a_gap(keys: Path, tmp_path: Path) -> None:
    inbox = Inbox(crypto.unlock(keys, PASSPHRASE), DeskFormat("en", "US"))
    stranger = tmp_path / "other-keys.json"
    make_keys(stranger)
    foreign = sealed(stranger, signup("Not Ours"), 1)
    inbox.update([foreign])
    assert len(inbox.rows) == 1
    assert inbox.rows[0].signup is None
    assert not inbox.matches(inbox.rows[0], "Not")


@pytest.mark.parametrize(("query", "found"), [
    ("", {"Ana Peña", "Zoë Quinn", "Sam Okafor"}),
    ("pena", {"Ana Peña"}),
    ("ZOE", {"Zoë Quinn"}),
    ("ana peña", {"Ana Peña"}),
    ("example.org", {"Zoë Quinn"}),
    ("555-0143", {"Ana Peña"}),
    ("(202) 555-0143", {"Ana Peña"}),
    ("+1 202 555 0143", {"Ana Peña"}),
    ("020 7946 0958", {"Sam Okafor"}),  # a UK number typed as the UK dials it
    ("0143 zoe", set()),
    ("nobody", set()),
])
def test_search_by_name_phone_or_email(keys: Path, query: str, found: set[str]) -> None:
    inbox = Inbox(crypto.unlock(keys, PASSPHRASE), DeskFormat("en", "US"))
    inbox.update([
        sealed(keys, signup("Ana Peña", phone="+12025550143"), 1),
        sealed(keys, signup("Zoë Quinn", email="zoe@example.org", note="555 0143"), 2),
        sealed(keys, signup("Sam Okafor", phone="+442079460958"), 3),
    ])
    assert {r.signup.name for r in inbox.found(query) if r.signup} == found


def test_idle_lock_on_a_test_clock() -> None:
    clock = Clock()
    idle = IdleLock(300, clock)
    clock.now += 299
    assert not idle.due()
    idle.touch()
    clock.now += 299
    assert not idle.due()
    assert idle.remaining() == pytest.approx(1)
    clock.now += 1
    assert idle.due()
    with pytest.raises(ValueError, match="more than 0"):
        IdleLock(0)


def test_csv_export_keeps_the_kiosks_columns_and_escaping(keys: Path, tmp_path: Path) -> None:
    inbox = Inbox(crypto.unlock(keys, PASSPHRASE), DeskFormat("en", "US"))
    inbox.update([sealed(keys, signup("=HYPERLINK(1)", phone="+12025550143",
                                      note="@home", language="es"), 1, kiosk="-Hall")])
    path = tmp_path / "out.csv"
    assert write_desk_csv(inbox.rows, path) == 1
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    assert path.stat().st_mode & 0o077 == 0
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == DESK_HEADER
    assert DESK_HEADER[:len(HEADER)] == HEADER
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["name"] == "'=HYPERLINK(1)"
    assert row["phone"] == "'+12025550143"
    assert row["note"] == "'@home"
    assert row["kiosk"] == "'-Hall"
    assert row["language"] == "es"
