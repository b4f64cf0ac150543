"""The desk app on a real PostgreSQL (tests/postgres.py), with the real kiosk role sending
sealed sign-ups through KioskLink, as a kiosk's outbox does."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.config import Settings
from kiosk.desk_app import Desk, DeskOptions, build_desk
from kiosk.server.config import ServerConfig
from kiosk.server.kiosk_link import KioskLink
from kiosk.signups import crypto
from kiosk.signups.entry import Signup
from tests.postgres import Clinic
from tests.ui.conftest import PASSPHRASE, WAIT_MS

__all__ = ["PASSPHRASE", "WAIT_MS", "Clock", "Kiosk", "make_signup", "unlock"]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def make_signup(name: str, *, phone: str = "", email: str = "", note: str = "",
                language: str = "en", contact_time: str = "morning") -> Signup:
    return Signup(name=name, phone=phone, email=email, contact_time=contact_time, note=note,
                  consent_version="consent-v1", language=language)


@dataclass
class Kiosk:
    """A kiosk's side of the server: the kiosk role, sealing to the published key."""

    link: KioskLink
    keys_file: Path
    sent: list[uuid.UUID] = field(default_factory=list)

    def send(self, signup: Signup, created_at: datetime | None = None) -> uuid.UUID:
        entry_id = uuid.uuid4()
        sealed = crypto.seal(crypto.load_public_key(self.keys_file), signup.to_json())
        self.link.send(entry_id, sealed, created_at or datetime.now(UTC),
                       signup.consent_version)
        self.sent.append(entry_id)
        return entry_id


def ensure_keys(settings: Settings) -> None:
    if not settings.keys_file.exists():
        crypto.create_keys(settings.keys_file, PASSPHRASE, opslimit=crypto.OPSLIMIT_FLOOR,
                           memlimit=crypto.MEMLIMIT_FLOOR)


def unlock(qtbot, desk: Desk, passphrase: str = PASSPHRASE) -> None:
    view = desk.window.lock_view
    qtbot.keyClicks(view.passphrase, passphrase)
    qtbot.keyClick(view.passphrase, Qt.Key.Key_Return)


@pytest.fixture
def make_desk(qtbot, qapp: QApplication, make_settings, clinic: Clinic, tmp_path: Path
              ) -> Iterator[Callable[..., Desk]]:
    made: list[Desk] = []

    def make(*, keys: bool = True, conninfo: str | None = None, settings: Settings | None = None,
             size: tuple[int, int] = (1280, 800), **changes: object) -> Desk:
        settings = settings or make_settings()
        if keys:
            ensure_keys(settings)
        values: dict[str, object] = {
            "conninfo": conninfo or clinic.desk_conninfo, "desk_user": "test-desk",
            "poll_seconds": 30.0, "retry_seconds": (0.1, 0.2), "tick_ms": 20,
            "key_cost": crypto.FLOOR_COST, "export_dir": tmp_path, "language": "en"}
        values.update(changes)
        desk = build_desk(settings, DeskOptions(**values), qapp)  # type: ignore[arg-type]
        qtbot.addWidget(desk.window)
        desk.window.resize(*size)
        desk.window.show()
        desk.link.start()
        made.append(desk)
        return desk

    yield make
    for desk in made:
        desk.close(qapp)


@pytest.fixture
def kiosk(clinic: Clinic, make_settings) -> Iterator[Callable[[Settings, str], Kiosk]]:
    links: list[KioskLink] = []

    def make(settings: Settings, name: str = "Waiting room 1") -> Kiosk:
        ensure_keys(settings)
        link = KioskLink(ServerConfig(conninfo=clinic.kiosk_conninfo, kiosk_name=name))
        links.append(link)
        return Kiosk(link, settings.keys_file)

    yield make
    for link in links:
        link.close()
