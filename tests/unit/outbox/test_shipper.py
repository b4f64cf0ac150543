"""The outbox against a real PostgreSQL, driven tick by tick on a test clock (no sleeps).

Saved sign-ups go oldest first, leave the kiosk only once the server has them, wait (with
growing gaps between tries) while the server is away, and drain in order when it is back;
the heartbeat says how many wait and what went wrong, never what a patient typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from kiosk.audit import AuditLog
from kiosk.outbox.queue import OutboxQueue, Waiting
from kiosk.outbox.runner import ShipperThread
from kiosk.outbox.shipper import Backoff, Shipper
from kiosk.server.config import ServerConfig
from kiosk.server.desk_store import DeskStore
from kiosk.server.kiosk_link import KioskLink
from kiosk.signups.crypto import (
    FLOOR_COST,
    MEMLIMIT_FLOOR,
    OPSLIMIT_FLOOR,
    create_keys,
    load_public_key,
    seal,
    unlock,
    unseal,
)
from kiosk.signups.db_file import StoreUnavailable
from kiosk.signups.entry import Signup
from kiosk.signups.service import SignupService
from kiosk.signups.store import SignupStore
from tests.postgres import Clinic

PASSPHRASE = "maple street front desk"
START = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
UNAVAILABLE = ("kiosk.outbox.shipper", r"outbox: .*sign-ups wait on this kiosk")


def signup(n: int) -> Signup:
    return Signup(name=f"Patient {n}", phone="+12025550143", email="", contact_time="morning",
                  note="", consent_version="en-1", language="en")


@dataclass
class Kiosk:
    store: SignupStore
    service: SignupService
    keys: Path
    connects: list[KioskLink]
    now: list[datetime]

    def save(self, count: int) -> None:
        for n in range(count):
            self.now[0] += timedelta(minutes=1)
            self.service.submit(signup(n))

    def shipper(self, conninfo: str, **options: object) -> Shipper:
        config = ServerConfig(conninfo=conninfo, kiosk_name="room 1",
                              connect_timeout_seconds=2)

        def connect() -> KioskLink:
            self.connects.append(KioskLink(config))
            return self.connects[-1]

        defaults: dict[str, object] = {"program_version": "9.9", "heartbeat_s": 30.0,
                                       "content_version": lambda: "content-abc"}
        defaults.update(options)
        return Shipper(lambda: OutboxQueue(self.store.path), connect,
                       **defaults)  # type: ignore[arg-type]


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    keys = tmp_path / "data" / "clinic-keys.json"
    create_keys(keys, PASSPHRASE, opslimit=OPSLIMIT_FLOOR, memlimit=MEMLIMIT_FLOOR)
    store = SignupStore.open(tmp_path / "data" / "signups.db")
    now = [START]
    service = SignupService(store, keys, AuditLog(tmp_path / "data" / "audit.log"),
                            clock=lambda: now[0], key_cost=FLOOR_COST)
    yield Kiosk(store, service, keys, [], now)
    store.close()


def on_server(clinic: Clinic, kiosk: Kiosk) -> list[str]:
    """The names in the server's entries, in the order the server received them."""
    key = unlock(kiosk.keys, PASSPHRASE)
    with psycopg.connect(clinic.admin_conninfo) as conn:
        rows = conn.execute("SELECT sealed FROM entries ORDER BY received_at").fetchall()
    return [Signup.from_json(unseal(key, bytes(sealed))).name for (sealed,) in rows]


def heartbeats(clinic: Clinic) -> list[tuple[object, ...]]:
    with psycopg.connect(clinic.admin_conninfo) as conn:
        return conn.execute("SELECT kiosk, program_version, content_version, waiting, "
                            "last_error FROM heartbeats ORDER BY id").fetchall()


def test_entries_go_oldest_first_and_leave_the_kiosk(kiosk: Kiosk, clinic: Clinic) -> None:
    kiosk.save(5)
    shipper = kiosk.shipper(clinic.kiosk_conninfo, batch=2)
    # A batch at a time, each tick due at once while more wait.
    try:
        assert shipper.tick(100.0) == 100.0
        assert kiosk.store.count() == 3
        # The first heartbeat goes at once.
        assert heartbeats(clinic) == [("room 1", "9.9", "content-abc", 3, None)]
        assert shipper.tick(100.0) == 100.0
        assert shipper.tick(100.0) == 130.0  # the last one; then the next heartbeat
        assert kiosk.store.count() == 0
        assert on_server(clinic, kiosk) == [f"Patient {n}" for n in range(5)]
        assert shipper.tick(129.0) == 130.0  # nothing due
        assert shipper.tick(130.0) == 160.0
        assert heartbeats(clinic)[1:] == [("room 1", "9.9", "content-abc", 0, None)]
    finally:
        shipper.close()


@pytest.mark.expect_log(*UNAVAILABLE)
def test_server_away_for_the_whole_run_then_back(kiosk: Kiosk, private_postgres) -> None:
    clinic = private_postgres.fresh_clinic()
    private_postgres.stop()
    shipper = kiosk.shipper(clinic.kiosk_conninfo, backoff=Backoff(first_s=1, most_s=8))
    now, gaps = 0.0, []
    for _ in range(8):
        kiosk.save(3)  # the patients notice nothing: every save commits here
        due = shipper.tick(now)
        gaps.append(due - now)
        assert shipper.tick(due - 0.5) == due  # no try before it is due
        now = due
    assert gaps == [1, 2, 4, 8, 8, 8, 8, 8]
    assert len(kiosk.connects) == 8
    assert shipper.waiting == kiosk.store.count() == 24
    assert shipper.last_error == "ServerUnavailable"

    private_postgres.start()
    while kiosk.store.count():
        now = shipper.tick(now)
    names = on_server(clinic, kiosk)
    assert names == [f"Patient {n}" for _ in range(8) for n in range(3)]
    # The first heartbeat after the outage tells the desk what happened, and how many waited.
    assert heartbeats(clinic) == [("room 1", "9.9", "content-abc", 0, "ServerUnavailable")]
    shipper.close()


class LosesTheAnswer(OutboxQueue):
    """The server committed, then the kiosk failed before its own removal (a crash, a full
    disk): the entry is still here and goes again."""

    failures = 1

    def sent(self, entries: list[Waiting]) -> None:
        if LosesTheAnswer.failures:
            LosesTheAnswer.failures -= 1
            raise StoreUnavailable("cannot remove sign-ups the server has: the disk is full")
        super().sent(entries)


@pytest.mark.expect_log("kiosk.outbox.shipper", r"the disk is full; sign-ups wait")
def test_a_retry_after_the_server_committed_makes_no_second_copy(kiosk: Kiosk,
                                                                  clinic: Clinic) -> None:
    kiosk.save(2)
    shipper = Shipper(lambda: LosesTheAnswer(kiosk.store.path),
                      lambda: KioskLink(ServerConfig(clinic.kiosk_conninfo, "room 1")),
                      program_version="9.9", content_version=lambda: "c", heartbeat_s=30,
                      backoff=Backoff(first_s=1))
    due = shipper.tick(0.0)
    assert (due, kiosk.store.count()) == (1.0, 2)
    assert len(on_server(clinic, kiosk)) == 2  # committed there, still here
    shipper.tick(due)
    assert kiosk.store.count() == 0
    assert on_server(clinic, kiosk) == ["Patient 0", "Patient 1"]
    shipper.close()


def test_a_kiosk_without_keys_takes_the_public_key_from_the_server(tmp_path: Path,
                                                                    clinic: Clinic) -> None:
    desk_keys = tmp_path / "desk" / "clinic-keys.json"
    create_keys(desk_keys, PASSPHRASE, opslimit=OPSLIMIT_FLOOR, memlimit=MEMLIMIT_FLOOR)
    kiosk_keys = tmp_path / "kiosk" / "clinic-keys.json"
    with SignupStore.open(tmp_path / "kiosk" / "signups.db") as store:
        service = SignupService(store, kiosk_keys, AuditLog(tmp_path / "kiosk" / "audit.log"))
        config = ServerConfig(clinic.kiosk_conninfo, "room 1")
        shipper = Shipper(lambda: OutboxQueue(store.path), lambda: KioskLink(config),
                          program_version="9.9", content_version=lambda: "c", heartbeat_s=30,
                          keys_file=kiosk_keys)
        shipper.tick(0.0)
        assert not service.ready()  # the desk has not published a key yet
        with DeskStore(clinic.desk_conninfo, "front desk") as desk:
            desk.set_public_key(bytes(load_public_key(desk_keys)))
        shipper.tick(30.0)
        assert service.ready()
        assert not service.readable_here()
        service.submit(signup(1))
        shipper.tick(60.0)
        shipper.close()
    key = unlock(desk_keys, PASSPHRASE)
    with psycopg.connect(clinic.admin_conninfo) as conn:
        [(sealed,)] = conn.execute("SELECT sealed FROM entries").fetchall()
    assert Signup.from_json(unseal(key, bytes(sealed))).name == "Patient 1"


def test_the_thread_sends_a_saved_entry_at_once(kiosk: Kiosk, clinic: Clinic) -> None:
    # The next heartbeat is an hour away: only the save's wake-up can send the entry.
    runner = ShipperThread(kiosk.shipper(clinic.kiosk_conninfo, heartbeat_s=3600.0))
    kiosk.service.on_saved = runner.wake
    with DeskStore(clinic.desk_conninfo, "front desk") as desk:
        assert desk.wait_for_change(0.01) is False
        runner.start()
        try:
            kiosk.save(1)
            assert desk.wait_for_change(30) is True
        finally:
            assert runner.stop()
        assert [e.kiosk for e in desk.entries()] == ["room 1"]
    assert kiosk.store.count() == 0


@pytest.mark.expect_log("kiosk.outbox.shipper", r"outbox: .*password.*sign-ups wait")
def test_a_wrong_password_keeps_every_entry_and_says_why(kiosk: Kiosk, clinic: Clinic,
                                                          caplog) -> None:
    kiosk.save(2)
    wrong = clinic.server.conninfo(clinic.kiosk_role, "not-the-password", dbname=clinic.dbname)
    shipper = kiosk.shipper(wrong)
    try:
        assert shipper.tick(0.0) == 1.0
        assert kiosk.store.count() == 2
        assert shipper.waiting == 2
        assert shipper.last_error == "ServerUnavailable"
    finally:
        shipper.close()
    [record] = [r for r in caplog.records if r.name == "kiosk.outbox.shipper"]
    assert "Patient" not in record.getMessage()


@pytest.mark.expect_log("kiosk.outbox.shipper", r"sign-up 2 stays on this kiosk: .*malformed")
def test_an_entry_the_server_refuses_stays_here_and_holds_up_nothing(kiosk: Kiosk,
                                                                      clinic: Clinic,
                                                                      caplog) -> None:
    key = load_public_key(kiosk.keys)
    kiosk.save(1)
    kiosk.store.add(seal(key, b"{}"), "x" * 101, created_at=START + timedelta(minutes=2))
    kiosk.now[0] = START + timedelta(minutes=2)
    kiosk.save(1)
    shipper = kiosk.shipper(clinic.kiosk_conninfo, batch=1)
    try:
        now = 0.0
        for _ in range(4):
            now = shipper.tick(now)
        assert on_server(clinic, kiosk) == ["Patient 0", "Patient 0"]
        assert kiosk.store.count() == 1  # kept, never lost
        assert shipper.waiting == 1
        shipper.tick(now + 30)  # a heartbeat later it is still said
        assert heartbeats(clinic)[-1][3:] == (1, "EntryRejected")
    finally:
        shipper.close()
    assert len([r for r in caplog.records if "stays on this kiosk" in r.getMessage()]) == 1
