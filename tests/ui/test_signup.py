"""A patient signs up with taps alone: keyboard, checks in plain words, thank you, fresh form."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel

from kiosk.ui.input.touch import scroll_into_view
from kiosk.ui.shell.window import ATTRACT, NOT_READY, SIGNUP, THANKS
from kiosk.ui.widgets.keyboard import EMAIL, PHONE, TEXT

from .conftest import WAIT_MS
from .test_keyboard import type_on


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def tap_in_form(qtbot, form, widget) -> None:
    """Scroll ``widget`` into view the way a finger would, then tap it."""
    scroll_into_view(form.scroll_area, widget, 8)
    viewport = form.scroll_area.viewport()

    def in_view() -> bool:
        top = widget.mapTo(viewport, QPoint(0, 0)).y()
        return top >= 0 and top + widget.height() <= viewport.height()

    qtbot.waitUntil(in_view, timeout=WAIT_MS)
    tap(qtbot, widget)


@pytest.fixture
def form_window(make_window, make_settings, screen_size):
    settings = make_settings(thank_you_ms=150)
    window = make_window(screen_size, settings=settings)
    window.show_section(len(window.sections) - 1)
    return window


def open_form(qtbot, window):
    tap(qtbot, window.nav.next)
    assert window.current_page == SIGNUP
    return window.form


def fill(qtbot, window, field: str, text: str) -> None:
    edit = window.form.edits[field]
    tap_in_form(qtbot, window.form, edit)
    qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=WAIT_MS)
    type_on(qtbot, window.keyboard, text)


def test_the_last_section_leads_to_the_form(qtbot, form_window):
    assert form_window.nav.next.text().startswith("Ask us to contact you")
    form = open_form(qtbot, form_window)
    assert not form.consent.isChecked()
    assert all(edit.text() == "" for edit in form.edits.values())
    tap(qtbot, form.back)
    assert form_window.current_index() == len(form_window.sections) - 1


def test_each_field_opens_its_keyboard_layout(qtbot, form_window):
    form = open_form(qtbot, form_window)
    for field, layout in (("name", TEXT), ("phone", PHONE), ("email", EMAIL), ("note", TEXT)):
        tap_in_form(qtbot, form, form.edits[field])
        qtbot.waitUntil(lambda: form_window.keyboard.isVisible(), timeout=WAIT_MS)
        assert form_window.keyboard.layout_name == layout, field


def test_the_focused_field_is_never_under_the_keyboard(qtbot, form_window, screen_size):
    form = open_form(qtbot, form_window)
    for field in ("name", "phone", "email", "note"):
        edit = form.edits[field]
        tap_in_form(qtbot, form, edit)

        def visible(edit=edit) -> bool:
            top = edit.mapTo(form_window, QPoint(0, 0)).y()
            keyboard_top = form_window.keyboard.mapTo(form_window, QPoint(0, 0)).y()
            viewport = form.scroll_area.viewport()
            viewport_top = viewport.mapTo(form_window, QPoint(0, 0)).y()
            return (form_window.keyboard.isVisible() and top >= viewport_top
                    and top + edit.height() <= keyboard_top)

        qtbot.waitUntil(visible, timeout=WAIT_MS)
        # The window never grows past the screen to make room for the keyboard.
        assert (form_window.width(), form_window.height()) == screen_size


def test_an_accented_name_typed_on_the_screen(qtbot, form_window):
    open_form(qtbot, form_window)
    fill(qtbot, form_window, "name", "Zoë Peña-Núñez")
    assert form_window.form.edits["name"].text() == "Zoë Peña-Núñez"


def test_a_bad_email_is_explained_and_nothing_typed_is_lost(qtbot, form_window):
    form = open_form(qtbot, form_window)
    fill(qtbot, form_window, "name", "Ana")
    fill(qtbot, form_window, "phone", "2025550143")
    fill(qtbot, form_window, "email", "ana@")
    tap_in_form(qtbot, form, form.edits["note"])  # leaving the field checks it
    qtbot.waitUntil(lambda: "email" in form.visible_errors(), timeout=WAIT_MS)
    assert form.visible_errors()["email"] == "This email address does not look right. " \
                                             "Please check it."
    assert form.edits["name"].text() == "Ana"
    assert form.edits["phone"].text() == "2025550143"
    assert form.edits["email"].text() == "ana@"


def test_send_without_consent_or_contact_says_what_is_missing(qtbot, form_window):
    form = open_form(qtbot, form_window)
    fill(qtbot, form_window, "name", "Ana")
    tap(qtbot, form.send)
    errors = form.visible_errors()
    assert set(errors) >= {"contact", "contact_time", "consent"}
    assert form.edits["name"].text() == "Ana"
    assert form_window.current_page == SIGNUP


def test_a_complete_form_is_saved_thanked_and_forgotten(qtbot, form_window):
    form = open_form(qtbot, form_window)
    fill(qtbot, form_window, "name", "Zoë Peña-Núñez")
    fill(qtbot, form_window, "phone", "2025550143")
    tap_in_form(qtbot, form, form.times.buttons()[1])
    tap_in_form(qtbot, form, form.consent)
    tap(qtbot, form.send)
    assert form_window.current_page == THANKS
    store = form_window.services.signups.store
    assert len(store.entries()) == 1
    assert form_window.form is not form  # a brand new form for the next patient
    assert all(edit.text() == "" for edit in form_window.form.edits.values())
    qtbot.waitUntil(lambda: form_window.current_page == ATTRACT, timeout=WAIT_MS)


def test_before_setup_the_form_sends_patients_to_the_desk(qtbot, make_window):
    window = make_window(set_up=False)
    window.show_section(len(window.sections) - 1)
    tap(qtbot, window.nav.next)
    assert window.current_page == NOT_READY


def fill_complete_form(qtbot, window) -> None:
    form = open_form(qtbot, window)
    fill(qtbot, window, "name", "Zoë Peña-Núñez")
    fill(qtbot, window, "phone", "2025550143")
    tap_in_form(qtbot, form, form.times.buttons()[0])
    tap_in_form(qtbot, form, form.consent)


@pytest.mark.expect_log("kiosk.signups.store", r"cannot save the sign-up \(SQLITE_READONLY\)")
def test_a_read_only_disk_tells_the_patient_and_keeps_the_form(qtbot, form_window):
    fill_complete_form(qtbot, form_window)
    form = form_window.form
    store = form_window.services.signups.store
    # A real SQLITE_READONLY from SQLite itself, which chmod cannot give a root test run.
    connection = store._conn
    connection.execute("PRAGMA query_only = ON")
    tap(qtbot, form.send)
    assert form_window.current_page == SIGNUP
    assert form.banner.isVisible()
    assert "please ask at the front desk" in form.banner.text().lower()
    assert form.edits["name"].text() == "Zoë Peña-Núñez"
    assert form.consent.isChecked()
    assert store.entries() == []

    connection.execute("PRAGMA query_only = OFF")  # the disk is writable again
    tap(qtbot, form.send)
    assert form_window.current_page == THANKS
    assert len(store.entries()) == 1


def test_going_home_halfway_leaves_nothing_for_the_next_patient(qtbot, form_window):
    form = open_form(qtbot, form_window)
    fill(qtbot, form_window, "name", "Ana")
    tap(qtbot, form_window.header.home)
    form_window.show_section(len(form_window.sections) - 1)
    tap(qtbot, form_window.nav.next)
    assert form_window.form is not form
    assert form_window.form.edits["name"].text() == ""
    assert not form_window.keyboard.isVisible()


def test_a_hardware_keyboard_types_into_the_fields_too(qtbot, form_window):
    form = open_form(qtbot, form_window)
    tap_in_form(qtbot, form, form.edits["email"])
    qtbot.keyClicks(form.edits["email"], "ana@example.org")
    assert form.edits["email"].text() == "ana@example.org"


def test_typed_text_never_reaches_the_clipboard(qtbot, form_window):
    from PySide6.QtGui import QGuiApplication

    clipboard = QGuiApplication.clipboard()
    clipboard.setText("from before")
    form = open_form(qtbot, form_window)
    tap_in_form(qtbot, form, form.edits["phone"])
    qtbot.keyClicks(form.edits["phone"], "2025550143")
    qtbot.keyClick(form.edits["phone"], Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(form.edits["phone"], Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == "from before"
    tap(qtbot, form_window.header.home)
    assert clipboard.text() == ""


def test_consent_names_the_clinics_retention_period(make_window, make_settings):
    window = make_window(settings=make_settings(retention_days=30))
    assert window.form.consent_version.endswith("-30d")
    texts = [label.text() for label in window.form.findChildren(QLabel)]
    assert any("after 30 days" in text for text in texts)


def test_a_form_nobody_opened_is_kept_and_one_that_was_shown_is_not(qtbot, form_window):
    form = form_window.form
    form_window.show_attract()
    assert form_window.form is form  # nothing to forget, nothing rebuilt
    form_window.show_section(len(form_window.sections) - 1)
    open_form(qtbot, form_window)
    form_window.show_attract()
    assert form_window.form is not form
