"""The desk app (pytest-qt, offscreen) on a real PostgreSQL, with sign-ups sent by the real
kiosk role: unlock, live arrival, search, mark and undo, delete, export, auto-lock, a wrong
passphrase throttled, set-up, the kiosks' status."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import psycopg.sql
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from kiosk.security import DELAYS
from kiosk.server.desk_store import DeskStore
from kiosk.server.kiosk_link import Heartbeat
from kiosk.signups import crypto
from tests.ui.desk.conftest import PASSPHRASE, WAIT_MS, Clock, make_signup, unlock

ANA = make_signup("Ana Peña", phone="+12025550143", note="Mornings after 10, please",
                  language="es")
ZOE = make_signup("Zoë Quinn", email="zoe@example.org", contact_time="evening")


def cell(desk, row: int, column: str) -> str:
    from kiosk.ui.desk.signups_view import COLUMNS

    item = desk.window.signups.table.item(row, COLUMNS.index(column))
    return item.text() if item is not None else ""


def names(desk) -> list[str]:
    table = desk.window.signups.table
    return [cell(desk, row, "name") for row in range(table.rowCount())
            if not table.isRowHidden(row)]


def contacted_at(clinic, entry_id):
    with psycopg.connect(clinic.admin_conninfo) as conn:
        row = conn.execute("SELECT contacted_at FROM entries WHERE id = %s",
                           (entry_id,)).fetchone()
    return "gone" if row is None else row[0]


def audit(clinic) -> list[str]:
    with psycopg.connect(clinic.admin_conninfo) as conn:
        return [r[0] for r in conn.execute("SELECT action FROM desk_audit ORDER BY id")]


def test_unlock_shows_every_kiosks_signups_newest_first_in_the_desks_words(
        qtbot, make_desk, make_settings, kiosk, clinic) -> None:
    settings = make_settings()
    hall = kiosk(settings, "Hall")
    room = kiosk(settings, "Waiting room 1")
    room.send(ANA, datetime.now(UTC) - timedelta(hours=1))
    hall.send(ZOE)
    desk = make_desk(settings=settings)
    assert not desk.window.is_unlocked
    assert desk.window.signups.table.rowCount() == 0
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: desk.window.is_unlocked, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: names(desk) == ["Zoë Quinn", "Ana Peña"], timeout=WAIT_MS)
    assert cell(desk, 0, "kiosk") == "Hall"
    assert cell(desk, 1, "kiosk") == "Waiting room 1"
    assert cell(desk, 1, "contact") == "(202) 555-0143"
    assert cell(desk, 0, "contact") == "zoe@example.org"
    assert cell(desk, 1, "language") == "Spanish"
    assert cell(desk, 1, "time") == "Morning"
    assert cell(desk, 0, "time") == "Evening"
    assert cell(desk, 1, "note") == "Mornings after 10, please"
    assert cell(desk, 1, "status") == "New"
    assert desk.window.signups.summary.text() == "Sign-ups: 2. Not contacted yet: 2."
    assert not desk.window.signups.notice.isVisible()  # what was there is not "new"
    qtbot.waitUntil(lambda: "unlock" in audit(clinic), timeout=WAIT_MS)


def test_a_new_signup_appears_by_notify_with_a_notice_and_a_count(
        qtbot, make_desk, make_settings, kiosk) -> None:
    settings = make_settings()
    room = kiosk(settings)
    room.send(ANA)
    # A poll every 10 minutes: only LISTEN/NOTIFY can bring the new one within the wait.
    desk = make_desk(settings=settings, poll_seconds=600.0)
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: names(desk) == ["Ana Peña"], timeout=WAIT_MS)
    with qtbot.waitSignal(desk.window.arrived, timeout=WAIT_MS) as arrived:
        room.send(ZOE)
    assert arrived.args == [1]
    assert names(desk) == ["Zoë Quinn", "Ana Peña"]
    assert desk.window.windowTitle().startswith("Front desk: sign-ups (1 new)")
    signups = desk.window.signups
    assert signups.notice.isVisible()
    assert signups.arrivals.text() == "New sign-ups: 1"
    qtbot.mouseClick(signups.seen, Qt.MouseButton.LeftButton)
    assert not signups.notice.isVisible()
    assert "new" not in desk.window.windowTitle()


def test_search_by_name_phone_or_email(qtbot, make_desk, make_settings, kiosk) -> None:
    settings = make_settings()
    room = kiosk(settings)
    for signup in (ANA, ZOE, make_signup("Sam Okafor", phone="+12025550199")):
        room.send(signup)
    desk = make_desk(settings=settings)
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: len(names(desk)) == 3, timeout=WAIT_MS)
    search = desk.window.signups.search
    for query, expected in (("pena", ["Ana Peña"]), ("555-0143", ["Ana Peña"]),
                            ("(202) 555", ["Sam Okafor", "Ana Peña"]),
                            ("example.org", ["Zoë Quinn"]), ("nobody", [])):
        search.clear()
        qtbot.keyClicks(search, query)
        assert names(desk) == expected, query
    assert desk.window.signups.showing.text() == "Showing 0 of 3."
    search.clear()
    assert len(names(desk)) == 3
    # A selected row the search hides is no longer selected: nothing acts on it unseen.
    desk.window.signups.table.selectRow(0)
    assert desk.window.signups.delete.isEnabled()
    qtbot.keyClicks(search, "nobody")
    assert not desk.window.signups.delete.isEnabled()


def test_mark_contacted_and_undo(qtbot, make_desk, make_settings, kiosk, clinic) -> None:
    settings = make_settings()
    entry = kiosk(settings).send(ANA)
    desk = make_desk(settings=settings)
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: names(desk) == ["Ana Peña"], timeout=WAIT_MS)
    signups = desk.window.signups
    signups.table.selectRow(0)
    assert signups.mark.text() == "Mark contacted"
    qtbot.mouseClick(signups.mark, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(desk, 0, "status").startswith("Contacted\n"), timeout=WAIT_MS)
    assert contacted_at(clinic, entry) is not None
    assert signups.mark.text() == "Undo contacted"
    assert signups.summary.text() == "Sign-ups: 1. Not contacted yet: 0."
    qtbot.mouseClick(signups.mark, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(desk, 0, "status") == "New", timeout=WAIT_MS)
    assert contacted_at(clinic, entry) is None
    assert audit(clinic)[-2:] == ["mark contacted", "undo contacted"]


def test_delete_asks_first_and_cancel_keeps_it(qtbot, make_desk, make_settings, kiosk,
                                               clinic) -> None:
    settings = make_settings()
    room = kiosk(settings)
    kept = room.send(ZOE)
    entry = room.send(ANA)
    desk = make_desk(settings=settings)
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: names(desk) == ["Ana Peña", "Zoë Quinn"], timeout=WAIT_MS)
    signups = desk.window.signups
    for answer in (QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes):
        signups.table.selectRow(0)
        qtbot.mouseClick(signups.delete, Qt.MouseButton.LeftButton)
        box = desk.window.findChild(QMessageBox, "DeskConfirmDelete")
        assert box is not None
        assert "Ana Peña" in box.text()
        qtbot.mouseClick(box.button(answer), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: names(desk) == ["Zoë Quinn"], timeout=WAIT_MS)
    assert contacted_at(clinic, entry) == "gone"
    assert contacted_at(clinic, kept) is None
    assert audit(clinic).count("delete") == 1


def test_export_through_the_save_dialog(qtbot, make_desk, make_settings, kiosk, clinic,
                                        tmp_path: Path) -> None:
    settings = make_settings()
    kiosk(settings, "Hall").send(make_signup("=cmd|' /C calc'!A0", phone="+12025550143"))
    kiosk(settings).send(ZOE)
    desk = make_desk(settings=settings)
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: len(names(desk)) == 2, timeout=WAIT_MS)
    qtbot.mouseClick(desk.window.signups.export, Qt.MouseButton.LeftButton)
    dialog = desk.window.findChild(QFileDialog, "DeskSaveCsv")
    assert dialog is not None
    assert dialog.isVisible()
    target = tmp_path / "for-the-schedule.csv"
    dialog.selectFile(str(target))
    dialog.accept()
    qtbot.waitUntil(target.exists, timeout=WAIT_MS)
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    by_kiosk = {r["kiosk"]: r for r in rows}
    assert by_kiosk["Hall"]["name"] == "'=cmd|' /C calc'!A0"
    assert by_kiosk["Hall"]["phone"] == "'+12025550143"
    assert by_kiosk["Waiting room 1"]["email"] == "zoe@example.org"
    assert target.stat().st_mode & 0o077 == 0
    assert "Sign-ups saved: 2" in desk.window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: "export" in audit(clinic), timeout=WAIT_MS)


def test_locks_itself_when_idle_and_forgets_every_row(qtbot, make_desk, make_settings,
                                                      kiosk) -> None:
    settings = make_settings()
    kiosk(settings).send(ANA)
    clock = Clock()
    desk = make_desk(settings=settings, lock_after_s=120.0, idle_clock=clock)
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: names(desk) == ["Ana Peña"], timeout=WAIT_MS)
    clock.now += 119
    qtbot.keyClicks(desk.window.signups.search, "a")  # the desk in use: the wait restarts
    clock.now += 119
    qtbot.wait(100)  # some ticks of the window's timer at the same clock
    assert desk.window.is_unlocked
    with qtbot.waitSignal(desk.window.locked, timeout=WAIT_MS):
        clock.now += 1
    assert desk.window.session.key is None
    assert desk.window.signups.table.rowCount() == 0
    assert desk.window.signups.search.text() == ""
    assert desk.window.stack.currentWidget() is desk.window.lock_view


def test_a_lock_closes_the_question_that_names_the_patient(qtbot, make_desk, make_settings,
                                                          kiosk, clinic) -> None:
    settings = make_settings()
    entry = kiosk(settings).send(ANA)
    clock = Clock()
    desk = make_desk(settings=settings, lock_after_s=60.0, idle_clock=clock)
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: names(desk) == ["Ana Peña"], timeout=WAIT_MS)
    desk.window.signups.table.selectRow(0)
    qtbot.mouseClick(desk.window.signups.delete, Qt.MouseButton.LeftButton)
    first = desk.window.findChild(QMessageBox, "DeskConfirmDelete")
    qtbot.mouseClick(first.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.window.findChild(QMessageBox, "DeskConfirmDelete") is None,
                    timeout=WAIT_MS)  # answered and gone
    qtbot.mouseClick(desk.window.signups.delete, Qt.MouseButton.LeftButton)
    box = desk.window.findChild(QMessageBox, "DeskConfirmDelete")
    assert box is not None
    assert box.isVisible()
    with qtbot.waitSignal(desk.window.locked, timeout=WAIT_MS):
        clock.now += 60
    qtbot.waitUntil(lambda: desk.window.findChild(QMessageBox, "DeskConfirmDelete") is None,
                    timeout=WAIT_MS)
    assert contacted_at(clinic, entry) is None  # closing the question deleted nothing


def test_a_wrong_passphrase_is_refused_and_the_next_try_must_wait(
        qtbot, make_desk, make_settings) -> None:
    clock = Clock()
    desk = make_desk(guard_clock=clock)
    view = desk.window.lock_view
    unlock(qtbot, desk, "not the passphrase")
    qtbot.waitUntil(lambda: view.button.isEnabled(), timeout=WAIT_MS)
    assert view.message.text() == "That passphrase is not right."
    unlock(qtbot, desk, "still not the passphrase")
    qtbot.waitUntil(lambda: view.button.isEnabled(), timeout=WAIT_MS)
    assert view.message.text() == (
        f"That passphrase is not right. Please wait {round(DELAYS[1])} seconds before "
        "trying again.")
    # Too soon, even with the right one: refused without being looked at.
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: view.button.isEnabled(), timeout=WAIT_MS)
    assert view.message.text() == f"Please wait {round(DELAYS[1])} seconds before trying again."
    assert not desk.window.is_unlocked
    assert view.passphrase.text() == ""
    clock.now += DELAYS[1]
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: desk.window.is_unlocked, timeout=WAIT_MS)


def test_first_run_creates_the_keys_and_publishes_the_public_one(
        qtbot, make_desk, make_settings, kiosk, clinic) -> None:
    settings = make_settings()
    desk = make_desk(settings=settings, keys=False)
    view = desk.window.lock_view
    assert view.setting_up
    qtbot.keyClicks(view.passphrase, PASSPHRASE)
    qtbot.keyClicks(view.again, PASSPHRASE + "x")
    qtbot.mouseClick(view.button, Qt.MouseButton.LeftButton)
    assert view.message.text() == "The two passphrases are not the same."
    assert not settings.keys_file.exists()
    qtbot.keyClicks(view.passphrase, PASSPHRASE)
    qtbot.keyClicks(view.again, PASSPHRASE)
    qtbot.mouseClick(view.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.setting_up, timeout=WAIT_MS)
    public = bytes(crypto.load_public_key(settings.keys_file))
    room = kiosk(settings)
    qtbot.waitUntil(lambda: room.link.public_key() == public, timeout=WAIT_MS)
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: desk.window.is_unlocked, timeout=WAIT_MS)


def test_a_second_desk_never_makes_new_keys_over_the_first_ones(
        qtbot, make_desk, make_settings, clinic, tmp_path) -> None:
    first = make_settings(data_dir=tmp_path / "first-desk")
    first_desk = make_desk(settings=first)
    unlock(qtbot, first_desk)  # the first desk publishes its key at unlock
    public = bytes(crypto.load_public_key(first.keys_file))
    with DeskStore(clinic.desk_conninfo, "test") as store:
        qtbot.waitUntil(lambda: store.public_key() == public, timeout=WAIT_MS)
    second = make_settings(data_dir=tmp_path / "second-desk")
    second_desk = make_desk(settings=second, keys=False)
    view = second_desk.window.lock_view
    qtbot.keyClicks(view.passphrase, PASSPHRASE)
    qtbot.keyClicks(view.again, PASSPHRASE)
    qtbot.mouseClick(view.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "already has keys" in view.message.text(), timeout=WAIT_MS)
    assert view.setting_up
    assert not second.keys_file.exists()
    with DeskStore(clinic.desk_conninfo, "test") as store:
        assert store.public_key() == public


def test_a_changed_key_on_the_server_is_shown_at_unlock(qtbot, make_desk, make_settings,
                                                        clinic, tmp_path) -> None:
    other = tmp_path / "other-keys.json"
    crypto.create_keys(other, PASSPHRASE, opslimit=crypto.OPSLIMIT_FLOOR,
                       memlimit=crypto.MEMLIMIT_FLOOR)
    with DeskStore(clinic.desk_conninfo, "someone") as store:
        store.set_public_key(bytes(crypto.load_public_key(other)))
    desk = make_desk()
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: desk.window.key_warning.isVisible(), timeout=WAIT_MS)
    assert "another key" in desk.window.key_warning.text()
    with DeskStore(clinic.desk_conninfo, "test") as store:  # left for IT, not overwritten
        assert store.public_key() == bytes(crypto.load_public_key(other))


def test_the_kiosks_tab_says_ok_late_or_not_draining(qtbot, make_desk, make_settings,
                                                       kiosk, clinic) -> None:
    settings = make_settings()
    kiosk(settings, "Hall").link.heartbeat(Heartbeat("1.0", "pages-7", 0))
    kiosk(settings, "Waiting room 1").link.heartbeat(Heartbeat("1.0", "pages-7", 3,
                                                               "ServerUnavailable"))
    with psycopg.connect(clinic.admin_conninfo) as conn:
        conn.execute("INSERT INTO heartbeats (kiosk, at, program_version, content_version, "
                     "waiting) VALUES ('Upstairs', now() - interval '10 minutes', '1.0', "
                     "'pages-6', 0)")
    desk = make_desk(settings=settings)
    unlock(qtbot, desk)
    kiosks = desk.window.kiosks
    qtbot.waitUntil(lambda: kiosks.table.rowCount() == 3, timeout=WAIT_MS)
    assert kiosks.health_of("Hall") == "ok"
    assert kiosks.health_of("Upstairs") == "late"
    assert kiosks.health_of("Waiting room 1") == "not draining"


@pytest.mark.expect_log("kiosk.desk.server_link", "cannot be reached")
def test_a_desk_on_the_kiosk_login_says_so(qtbot, make_desk, clinic) -> None:
    desk = make_desk(conninfo=clinic.kiosk_conninfo)
    qtbot.waitUntil(lambda: desk.window.banner.isVisible(), timeout=WAIT_MS)
    assert "Ask IT" in desk.window.banner.text()
    assert "desk role" in desk.window.banner.text()


@pytest.mark.expect_log("kiosk.desk.server_link", "cannot be reached")
def test_a_server_set_up_by_a_newer_program_is_left_alone(qtbot, make_desk, clinic) -> None:
    from kiosk.server.schema import SCHEMA_VERSION, VERSION_TABLE

    with psycopg.connect(clinic.admin_conninfo) as conn:
        conn.execute(psycopg.sql.SQL("INSERT INTO {} (version) VALUES (%s)").format(
            psycopg.sql.Identifier(VERSION_TABLE)), (SCHEMA_VERSION + 1,))
    desk = make_desk()
    qtbot.waitUntil(lambda: desk.window.banner.isVisible(), timeout=WAIT_MS)
    assert "newer" in desk.window.banner.text()
    assert "Ask IT" in desk.window.banner.text()


def test_change_passphrase_rewraps_the_key(qtbot, make_desk, make_settings) -> None:
    from kiosk.ui.desk.dialogs import ChangePassphrase

    settings = make_settings()
    desk = make_desk(settings=settings)
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: desk.window.is_unlocked, timeout=WAIT_MS)
    before = crypto.load_public_key(settings.keys_file)
    qtbot.mouseClick(desk.window.change_button, Qt.MouseButton.LeftButton)
    dialog = desk.window.findChild(ChangePassphrase)
    assert dialog is not None
    qtbot.keyClicks(dialog.old, PASSPHRASE)
    qtbot.keyClicks(dialog.new, "a new sentence for the desk")
    qtbot.keyClicks(dialog.again, "a new sentence for the desk")
    dialog._ok()
    qtbot.waitUntil(lambda: "changed" in desk.window.statusBar().currentMessage(),
                    timeout=WAIT_MS)
    key = crypto.unlock(settings.keys_file, "a new sentence for the desk")
    assert key.public_key == before
