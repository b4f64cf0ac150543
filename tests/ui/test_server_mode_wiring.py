"""app.build in server mode: the kiosk the patient uses ships what the form saves to a real
PostgreSQL at once, says it is alive, and stops its outbox thread at exit."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from kiosk import __version__
from kiosk.app import build, content_version
from kiosk.content.versions import VersionInfo
from kiosk.server.config import ServerConfig
from kiosk.server.desk_store import DeskStore
from kiosk.server.page_versions import PgVersionStore
from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys
from kiosk.signups.entry import Signup

from .conftest import PASSPHRASE, WAIT_MS, load_live


def test_a_saved_sign_up_reaches_the_server_and_the_kiosk_says_it_is_alive(
        qtbot, make_settings, tmp_path, clinic):
    server = ServerConfig(clinic.kiosk_conninfo, "waiting room 2", heartbeat_seconds=3600)
    settings = make_settings(data_dir=tmp_path / "data", server=server)
    create_keys(settings.keys_file, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    kiosk = build(settings)
    try:
        assert kiosk.outbox is not None
        assert kiosk.window.services.staff.sends_to_desk
        with DeskStore(clinic.desk_conninfo, "front desk") as desk:
            assert not desk.wait_for_change(0.01)  # listening from here on
            kiosk.outbox.start()
            service = kiosk.window.services.signups
            assert service is not None
            service.submit(Signup(name="Ana Ruiz", phone="+12025550143", email="",
                                  contact_time="morning", note="",
                                  consent_version="en-2026-11-1"))
            # LISTEN/NOTIFY: the desk hears the entry arrive; nothing here sleeps.
            assert desk.wait_for_change(WAIT_MS / 1000)
            qtbot.waitUntil(lambda: not kiosk.store.count(), timeout=WAIT_MS)
            assert [e.kiosk for e in desk.entries()] == ["waiting room 2"]
            [status] = desk.kiosks()
            assert (status.kiosk, status.program_version) == ("waiting room 2", __version__)
            assert status.content_version == content_version(load_live(settings).content)
    finally:
        kiosk.close()
        kiosk.window.close()
        kiosk.window.deleteLater()
    assert "outbox" not in {t.name for t in threading.enumerate()}


def _published(store: PgVersionStore, folder: Path, note: str) -> VersionInfo:
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    return store.publish(folder, names, author="Rosa", note=note)


@pytest.mark.expect_log("kiosk.ui.services.pages_follower", "published pages refused")
def test_the_heartbeat_names_the_pages_shown_and_why_newer_ones_were_refused(
        qtbot, make_settings, tmp_path, clinic):
    server = ServerConfig(clinic.kiosk_conninfo, "hall", heartbeat_seconds=1, poll_seconds=0.2)
    settings = make_settings(data_dir=tmp_path / "data", server=server)
    create_keys(settings.keys_file, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    good = tmp_path / "good"
    shutil.copytree(settings.content_dir, good)
    broken = tmp_path / "broken"
    shutil.copytree(settings.content_dir, broken)
    page = next((broken / "en").glob("*.md"))
    page.write_text("no front matter", encoding="utf-8")
    kiosk = build(settings)
    admin = PgVersionStore(clinic.admin_conninfo)
    try:
        assert kiosk.outbox is not None
        assert kiosk.pages_follower is not None
        first = _published(admin, good, "good")
        kiosk.pages_follower.start()
        kiosk.outbox.start()
        with DeskStore(clinic.desk_conninfo, "front desk") as desk:
            def beat() -> tuple[str, str]:
                statuses = desk.kiosks()
                return ((statuses[0].content_version, statuses[0].last_error or "")
                        if statuses else ("", ""))

            # The version number's digest, as the desk's History shows it.
            qtbot.waitUntil(lambda: beat() == (f"sha256:{first.digest[:12]}", ""),
                            timeout=WAIT_MS * 3)
            _published(admin, broken, "broken")
            qtbot.waitUntil(lambda: beat()[1] == "PagesRefused", timeout=WAIT_MS * 3)
            assert beat()[0] == f"sha256:{first.digest[:12]}"  # the good pages stay
    finally:
        admin.close()
        kiosk.close()
        kiosk.window.close()
        kiosk.window.deleteLater()
