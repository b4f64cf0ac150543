"""The front desk opens the panel with a long press, a PIN and the passphrase."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.contrast import TEXT_MINIMUM, ratio
from kiosk.signups.entry import Signup
from kiosk.ui.shell.window import ATTRACT, STAFF

from .conftest import PASSPHRASE, PIN, WAIT_MS


@pytest.fixture
def desk(make_window, make_settings, screen_size, tmp_path):
    settings = make_settings(staff_hold_ms=100, export_dir=tmp_path / "usb")
    window = make_window(screen_size, settings=settings)
    service = window.services.signups
    for name in ("Ana Ruiz", "Zoë Peña-Núñez"):
        service.submit(Signup(name=name, phone="+12025550143", email="", contact_time="morning",
                              note="=HYPERLINK(\"x\")", consent_version="en-2026-11-1"))
    return window, settings


def long_press_logo(qtbot, window) -> None:
    logo = window.attract.logo
    with qtbot.waitSignal(window.staff_gesture.triggered, timeout=WAIT_MS):
        QTest.mousePress(logo, Qt.MouseButton.LeftButton)
    QTest.mouseRelease(logo, Qt.MouseButton.LeftButton)


def type_pin(qtbot, window, pin: str) -> None:
    """Type a PIN and wait for its answer (checked on a worker thread)."""
    with qtbot.waitSignal(window.staff.checking.finished, timeout=WAIT_MS):
        window.staff.pin.type_pin(pin)


def type_passphrase(qtbot, window, passphrase: str) -> None:
    with qtbot.waitSignal(window.staff.checking.finished, timeout=WAIT_MS):
        window.staff.passphrase.edit.setText(passphrase)
        window.staff.passphrase.edit.returnPressed.emit()


def unlock(qtbot, window) -> None:
    long_press_logo(qtbot, window)
    type_pin(qtbot, window, PIN)
    type_passphrase(qtbot, window, PASSPHRASE)


def test_a_long_press_on_the_logo_opens_the_pin_pad_and_a_tap_does_not(qtbot, desk):
    window, _settings = desk
    QTest.mouseClick(window.attract.logo, Qt.MouseButton.LeftButton)
    assert window.current_page != STAFF
    window.show_attract()
    long_press_logo(qtbot, window)
    assert window.current_page == STAFF
    assert window.staff.step is window.staff.pin


def test_wrong_pin_is_refused_and_right_pin_asks_for_the_passphrase(qtbot, desk):
    window, _settings = desk
    long_press_logo(qtbot, window)
    type_pin(qtbot, window, "0000")
    assert window.staff.pin.message.text().startswith("That PIN is not right.")
    assert window.staff.step is window.staff.pin
    type_pin(qtbot, window, PIN)
    assert window.staff.step is window.staff.passphrase


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
def test_ten_wrong_pins_lock_the_panel(qtbot, desk):
    window, _settings = desk
    long_press_logo(qtbot, window)
    guard = window.staff.session.guard
    now = [1_000_000.0]
    guard._clock = lambda: now[0]
    for attempt in range(10):
        if attempt:
            now[0] += 60  # past any growing delay, well inside the lockout
        type_pin(qtbot, window, "0000")
    assert "locked until" in window.staff.pin.message.text()
    type_pin(qtbot, window, PIN)
    assert window.staff.step is window.staff.pin


def test_the_list_shows_sign_ups_newest_first_and_can_be_managed(qtbot, desk):
    window, settings = desk
    unlock(qtbot, window)
    staff = window.staff
    assert staff.step is staff.signups
    items = [staff.signups.list.item(i).text() for i in range(staff.signups.list.count())]
    assert "Zoë Peña-Núñez" in items[0]
    assert "Ana Ruiz" in items[1]
    assert staff.signups.summary.text() == "Sign-ups: 2. Not contacted yet: 2."

    staff.signups.list.setCurrentRow(1)
    qtbot.mouseClick(staff.signups.contacted, Qt.MouseButton.LeftButton)
    assert staff.signups.summary.text() == "Sign-ups: 2. Not contacted yet: 1."

    qtbot.mouseClick(staff.signups.export, Qt.MouseButton.LeftButton)
    assert "Is the USB stick plugged in?" in staff.signups.status.text()
    assert not settings.exports.exists()  # never created on the kiosk's own disk
    settings.exports.mkdir()  # the stick is plugged in
    qtbot.mouseClick(staff.signups.export, Qt.MouseButton.LeftButton)
    files = list((settings.exports).glob("*.csv"))
    assert len(files) == 1
    assert (files[0].stat().st_mode & 0o777) == 0o600
    with files[0].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert any("Zoë Peña-Núñez" in row for row in rows)
    assert all(not cell.startswith("=") for row in rows for cell in row)

    staff.signups.list.setCurrentRow(0)
    qtbot.mouseClick(staff.signups.delete, Qt.MouseButton.LeftButton)
    assert staff.signups.list.count() == 2  # the first tap only asks to confirm
    qtbot.mouseClick(staff.signups.delete, Qt.MouseButton.LeftButton)
    assert staff.signups.list.count() == 1
    assert "Ana Ruiz" in staff.signups.list.item(0).text()


def test_wrong_passphrase_is_refused(qtbot, desk):
    window, _settings = desk
    long_press_logo(qtbot, window)
    type_pin(qtbot, window, PIN)
    type_passphrase(qtbot, window, "not it at all")
    assert window.staff.passphrase.message.text() == "That passphrase is not right."
    assert not window.staff.unlocked


def test_lock_and_idle_forget_everything(qtbot, make_window, make_settings, tmp_path):
    settings = make_settings(staff_hold_ms=100, staff_idle_ms=150)
    window = make_window(settings=settings)
    unlock(qtbot, window)
    assert window.staff.unlocked
    qtbot.waitUntil(lambda: window.current_page == ATTRACT, timeout=WAIT_MS)
    assert not window.staff.unlocked
    assert window.staff.signups.list.count() == 0
    actions = [r["action"] for r in window.services.signups.audit.records()]
    assert "lock" in actions


@pytest.mark.expect_log("kiosk.signups", r"database was damaged; moved it")
@pytest.mark.expect_log("kiosk.signups.salvage", r"salvaged \d+ sign-ups")
def test_a_damaged_database_is_salvaged_and_staff_are_told_how_many(qtbot, make_window,
                                                                    make_settings, tmp_path):
    """Issue 13: staff saw 0 of 200 entries after the file was set aside whole."""
    settings = make_settings(staff_hold_ms=100, data_dir=tmp_path / "damaged")
    window = make_window(settings=settings)
    for n in range(200):
        window.services.signups.submit(Signup(
            name=f"Patient {n}", phone="+12025550143", email="", contact_time="evening",
            note="", consent_version="en-2026-11-1"))
    window.services.signups.store.close()
    data = bytearray(settings.signups_db.read_bytes())
    data[:100] = bytes(100)  # SQLite can no longer open it at all
    settings.signups_db.write_bytes(bytes(data))
    window = make_window(settings=settings, set_up=False)  # same keys and PIN
    unlock(qtbot, window)
    status = window.staff.signups.status.text()
    assert "Sign-ups recovered: 200. Known to be lost: 0." in status
    assert "kept for IT as signups.db.corrupt-" in status
    assert window.staff.signups.list.count() == 200
    assert list(settings.data_dir.glob("signups.db.corrupt-*"))


@pytest.mark.expect_log("kiosk.signups.service", r"sign-up \d+ cannot be opened with this key")
def test_an_entry_that_cannot_be_read_is_shown_exported_and_can_be_deleted(qtbot, desk):
    window, settings = desk
    damaged = window.services.signups.store.add(b"not sealed to this key" * 12, "en-2026-11-1")
    unlock(qtbot, window)
    staff = window.staff
    items = [staff.signups.list.item(i).text() for i in range(staff.signups.list.count())]
    assert len(items) == 3
    assert f"This sign-up could not be read (entry {damaged})." in items[0]
    assert "Sign-ups that could not be read: 1." in staff.signups.status.text()
    assert staff.signups.summary.text() == "Sign-ups: 3. Not contacted yet: 3."
    settings.exports.mkdir()
    qtbot.mouseClick(staff.signups.export, Qt.MouseButton.LeftButton)
    assert "1 could not be read; the file marks them too." in staff.signups.status.text()
    (export,) = settings.exports.glob("*.csv")
    with export.open(encoding="utf-8-sig", newline="") as f:
        rows = {row[0]: row for row in csv.reader(f)}
    assert rows[str(damaged)][2].startswith("(could not be read")
    staff.signups.list.setCurrentRow(0)
    qtbot.mouseClick(staff.signups.delete, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(staff.signups.delete, Qt.MouseButton.LeftButton)
    assert staff.signups.list.count() == 2
    assert "could not be read" not in staff.signups.status.text()


def test_touches_keep_an_open_panel_open_and_exit_asks_twice(qtbot, make_window, make_settings):
    settings = make_settings(staff_hold_ms=100, staff_idle_ms=60_000)
    window = make_window(settings=settings)
    unlock(qtbot, window)
    idle = window.staff.idle
    qtbot.waitUntil(lambda: idle.remainingTime() < 59_800, timeout=WAIT_MS)
    # A touch anywhere (here on the list, which takes the press itself) restarts the clock.
    handle = window.windowHandle()
    spot = window.staff.signups.list.mapTo(window, window.staff.signups.list.rect().center())
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
    assert idle.remainingTime() > 59_800
    assert window.staff.unlocked
    with qtbot.assertNotEmitted(window.exitRequested):
        qtbot.mouseClick(window.staff.signups.exit, Qt.MouseButton.LeftButton)
    assert window.staff.signups.exit.text() == "Tap again to exit"
    with qtbot.waitSignal(window.exitRequested, timeout=WAIT_MS):
        qtbot.mouseClick(window.staff.signups.exit, Qt.MouseButton.LeftButton)
    actions = [r["action"] for r in window.services.signups.audit.records()]
    assert "exit to desktop" in actions


def test_wrong_pins_are_audited_and_an_empty_pin_is_not_a_try(qtbot, desk):
    window, _settings = desk
    long_press_logo(qtbot, window)
    window.staff.pin.type_pin("")
    assert window.staff.pin.message.text() == ""
    type_pin(qtbot, window, "0000")
    actions = [r["action"] for r in window.services.signups.audit.records()]
    assert actions.count("wrong pin") == 1


def _row_colours(image, rect) -> tuple[str, str]:
    """(background, text): the commonest colour in the row, and the one most unlike it."""
    counts: Counter[str] = Counter()
    for y in range(rect.top() + 2, rect.bottom() - 1, 2):
        for x in range(rect.left() + 20, rect.right() - 20, 2):
            counts[image.pixelColor(x, y).name()] += 1
    background = counts.most_common(1)[0][0]
    return background, max(counts, key=lambda colour: ratio(colour, background))


@pytest.mark.parametrize("contrast", [False, True], ids=["normal", "high-contrast"])
def test_every_row_is_readable_and_the_selected_one_stands_out(qtbot, desk, contrast):
    """Issue 19: in high contrast the rows were black on black; the selection must show."""
    window, _settings = desk
    window.present(replace(window.presentation, high_contrast=contrast))
    unlock(qtbot, window)
    rows = window.staff.signups.list
    rows.setCurrentRow(1)
    qtbot.waitUntil(lambda: rows.isVisible(), timeout=WAIT_MS)
    image = rows.viewport().grab().toImage()
    colours = [_row_colours(image, rows.visualItemRect(rows.item(i)))
               for i in range(rows.count())]
    for background, text in colours:
        assert ratio(text, background) >= TEXT_MINIMUM, (text, background)
    (selected_bg, _), (other_bg, _) = colours[1], colours[0]
    assert ratio(selected_bg, other_bg) >= 3, (selected_bg, other_bg)  # WCAG 1.4.11


def test_the_list_speaks_the_panels_language_and_the_clinics_phone_format(
        qtbot, make_window, make_settings, tmp_path):
    settings = make_settings(staff_hold_ms=100, languages=("en", "es"), default_language="es")
    window = make_window(settings=settings)
    window.services.signups.submit(Signup(
        name="Zoë Peña-Núñez", phone="+12025550143", email="", contact_time="afternoon",
        note="", consent_version="es-2026-11-1"))
    window.services.signups.submit(Signup(
        name="Ana Ruiz", phone="+442079460958", email="", contact_time="evening",
        note="", consent_version="es-2026-11-1"))
    unlock(qtbot, window)
    rows = window.staff.signups.list
    ana, zoe = rows.item(0).text(), rows.item(1).text()
    received = window.services.signups.store.entries()[0].created_at.astimezone()
    weekday = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")[received.weekday()]
    assert zoe.startswith(f"{weekday}, {received.day} de ")
    assert "(202) 555-0143" in zoe  # the clinic's own country: as the desk dials it
    assert "+44 20 7946 0958" in ana  # another country: international
    assert "(Por la tarde)" in zoe
    assert "(Por la noche)" in ana
    assert "[nuevo]" in zoe


def test_a_rebuild_of_the_pages_locks_the_panel_and_drops_the_key(qtbot, desk):
    """The way in (StaffSession) outlives the panel widgets; the key must not: a new
    presentation builds a new, locked panel, and the lock is audited."""
    window, _settings = desk
    unlock(qtbot, window)
    assert window.staff.unlocked
    presentation = window.presentation
    window.present(replace(presentation, high_contrast=not presentation.high_contrast))
    assert not window.services.staff.unlocked
    assert window.services.staff.reader is None
    actions = [r["action"] for r in window.services.signups.audit.records()]
    assert actions[-1] == "lock"


def _text_lines(image, rect) -> int:
    """How many lines of text are drawn in ``rect``: bands of rows holding ink."""
    top, bottom = rect.top() + 2, rect.bottom() - 2  # clear of the row's border
    background = _row_colours(image, rect)[0]
    inked = [any(ratio(image.pixelColor(x, y).name(), background) > 2
                 for x in range(rect.left(), rect.right(), 2))
             for y in range(top, bottom)]
    return sum(1 for y, ink in enumerate(inked) if ink and (y == 0 or not inked[y - 1]))


@pytest.mark.expect_log("kiosk.signups.service", r"cannot be opened with this key")
def test_an_unreadable_entry_shows_its_whole_message(qtbot, desk):
    """Its two lines were drawn as one cut to '…': the row was sized for the list's font,
    but the time's narrow no-break space (U+202F, not in the kiosk's font) is drawn from a
    fallback font with taller lines. Every row shows every line of its text."""
    window, _settings = desk
    window.services.signups.store.add(b"not sealed to this key" * 12, "en-2026-11-1")
    unlock(qtbot, window)
    rows = window.staff.signups.list
    qtbot.waitUntil(lambda: rows.isVisible(), timeout=WAIT_MS)
    assert rows.item(0).font().italic()
    assert rows.item(0).font().pixelSize() == rows.font().pixelSize()
    image = rows.viewport().grab().toImage()
    drawn = [_text_lines(image, rows.visualItemRect(rows.item(i))) for i in range(rows.count())]
    expected = [rows.item(i).text().count("\n") + 1 for i in range(rows.count())]
    assert drawn == expected


@pytest.mark.parametrize("percent", [100, 200])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_pin_pad_title_takes_one_line_where_the_screen_has_room(qtbot, desk, language,
                                                                    percent):
    """The pad was as narrow as its keys, and so was its title: "Personal: escriba su / PIN"."""
    window, _settings = desk
    window.present(replace(window.presentation, language=language, text_percent=percent))
    long_press_logo(qtbot, window)
    title = window.staff.pin.title
    qtbot.waitUntil(title.isVisible, timeout=WAIT_MS)
    metrics = title.fontMetrics()
    one_line = metrics.horizontalAdvance(title.text())
    assert one_line < window.width() * 0.8  # room to spare on this screen
    assert title.width() >= one_line
    assert title.height() < 2 * metrics.lineSpacing()
