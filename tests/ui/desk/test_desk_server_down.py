"""The clinic server going away under the desk (a PostgreSQL of the test's own, stopped and
started): a clear banner, the last list kept on screen, an action refused in words and
not lost on the server, and everything back by itself when the server returns."""

from __future__ import annotations

import psycopg
import pytest
from PySide6.QtCore import Qt

from kiosk.server.config import ServerConfig
from kiosk.server.kiosk_link import KioskLink
from tests.ui.desk.conftest import WAIT_MS, Kiosk, ensure_keys, make_signup, unlock

DOWN = pytest.mark.expect_log("kiosk.desk.server_link", "cannot be reached")


def names(desk) -> list[str]:
    from kiosk.ui.desk.signups_view import COLUMNS

    table = desk.window.signups.table
    return [table.item(row, COLUMNS.index("name")).text() for row in range(table.rowCount())
            if not table.isRowHidden(row)]


@DOWN
def test_server_away_and_back(qtbot, make_desk, make_settings, private_postgres) -> None:
    clinic = private_postgres.fresh_clinic()
    settings = make_settings()
    ensure_keys(settings)
    link = KioskLink(ServerConfig(conninfo=clinic.kiosk_conninfo, kiosk_name="Hall"))
    kiosk = Kiosk(link, settings.keys_file)
    try:
        entry = kiosk.send(make_signup("Ana Peña", phone="+12025550143"))
        desk = make_desk(settings=settings, conninfo=clinic.desk_conninfo, poll_seconds=0.2)
        unlock(qtbot, desk)
        qtbot.waitUntil(lambda: names(desk) == ["Ana Peña"], timeout=WAIT_MS)
        link.close()
        private_postgres.stop()
        qtbot.waitUntil(lambda: desk.window.banner.isVisible(), timeout=WAIT_MS)
        banner = desk.window.banner.text()
        assert banner.startswith("The clinic server cannot be reached: ")
        assert "nothing is lost" in banner
        assert names(desk) == ["Ana Peña"]  # the last list stays
        signups = desk.window.signups
        signups.table.selectRow(0)
        qtbot.mouseClick(signups.mark, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: desk.window.statusBar().currentMessage().startswith(
            "Not done: "), timeout=WAIT_MS)
        private_postgres.start()
        qtbot.waitUntil(lambda: not desk.window.banner.isVisible(), timeout=WAIT_MS)
        assert desk.window.statusBar().currentMessage() == "Connected to the clinic server."
        with psycopg.connect(clinic.admin_conninfo) as conn:
            row = conn.execute("SELECT contacted_at FROM entries WHERE id = %s",
                               (entry,)).fetchone()
        assert row == (None,)  # refused while down, and not done behind the desk's back
        kiosk.send(make_signup("Zoë Quinn", email="zoe@example.org"))
        qtbot.waitUntil(lambda: names(desk) == ["Zoë Quinn", "Ana Peña"], timeout=WAIT_MS)
    finally:
        link.close()


@DOWN
def test_a_desk_started_while_the_server_is_down_unlocks_and_fills_when_it_is_up(
        qtbot, make_desk, make_settings, private_postgres) -> None:
    clinic = private_postgres.fresh_clinic()
    settings = make_settings()
    ensure_keys(settings)
    with KioskLink(ServerConfig(conninfo=clinic.kiosk_conninfo, kiosk_name="Hall")) as link:
        Kiosk(link, settings.keys_file).send(make_signup("Ana Peña", phone="+12025550143"))
    private_postgres.stop()
    desk = make_desk(settings=settings, conninfo=clinic.desk_conninfo, poll_seconds=0.2)
    qtbot.waitUntil(lambda: desk.window.banner.isVisible(), timeout=WAIT_MS)
    assert "Nothing is lost" in desk.window.banner.text()
    unlock(qtbot, desk)  # the key is on this computer: unlocking needs no server
    qtbot.waitUntil(lambda: desk.window.is_unlocked, timeout=WAIT_MS)
    assert names(desk) == []
    private_postgres.start()
    qtbot.waitUntil(lambda: names(desk) == ["Ana Peña"], timeout=WAIT_MS)
    assert not desk.window.banner.isVisible()


@DOWN
def test_the_pages_tab_of_a_desk_started_while_the_server_is_down_waits_for_it(
        qtbot, make_desk, make_settings, private_postgres, tmp_path) -> None:
    """Never the shipped pages in place of the server's newer ones: the drafts start only
    once the versions can be read (here: when staff come back to the tab)."""
    clinic = private_postgres.fresh_clinic()
    private_postgres.stop()
    drafts = tmp_path / "drafts"
    desk = make_desk(conninfo=clinic.desk_conninfo, poll_seconds=0.2, pages_drafts=drafts)
    view = desk.pages
    assert view is not None
    assert "cannot be read" in view.status.text()
    assert not any(drafts.iterdir())
    private_postgres.start()
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: desk.window.is_unlocked, timeout=WAIT_MS)
    desk.window.tabs.setCurrentWidget(view)
    assert (drafts / "en").is_dir()
    assert view.sections.count() > 0
