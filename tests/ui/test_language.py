"""English and Spanish: one tap switches pages and interface, the form keeps what was typed,
the Spanish consent is stored as Spanish, and the next patient starts in the default again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk.config import I18N_DIR
from kiosk.i18n import load_strings
from kiosk.session import ATTRACT, NOT_READY, Page
from kiosk.ui.shell.window import SIGNUP, THANKS, KioskWindow
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from tests.ui.conftest import PASSPHRASE, WAIT_MS


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


@pytest.fixture
def window(make_window, make_settings, tmp_path) -> KioskWindow:
    settings = make_settings(data_dir=tmp_path / "data", languages=("en", "es"),
                             idle_ms=200, idle_form_ms=200, idle_countdown_ms=300)
    return make_window(settings=settings)


def test_the_language_button_switches_pages_and_buttons_and_stays_on_the_page(qtbot, window):
    window.show_section(2)
    slug = window.sections[2].slug
    english_title = window.sections[2].title
    assert window.header.access.language.text() == "Español"

    with qtbot.waitSignal(window.presentationChanged, timeout=WAIT_MS):
        tap(qtbot, window.header.access.language)

    assert window.presentation.language == "es"
    assert window.current_page == Page.section(slug)
    assert window.sections[2].language == "es"
    assert window.sections[2].title != english_title
    spanish, english = load_strings(I18N_DIR, "es"), load_strings(I18N_DIR, "en")
    assert spanish["next"] != english["next"]
    assert window.nav.next.text().startswith(spanish["next"])
    assert window.header.home.text() == spanish["home"] != english["home"]
    assert window.header.access.language.text() == "English"
    tap(qtbot, window.header.access.language)
    assert window.presentation.language == "en"
    assert window.sections[2].title == english_title


def test_the_start_screen_offers_the_language_and_text_size_too(qtbot, window):
    window.show_attract()
    tap(qtbot, window.attract.access.language)
    assert window.presentation.language == "es"
    assert window.current_page == ATTRACT
    tap(qtbot, window.attract.access.text_size)
    assert window.presentation.text_percent == 150
    assert window.current_page == ATTRACT


def test_switching_language_keeps_what_the_patient_typed_but_not_the_tick(qtbot, window):
    window.show_signup()
    window.form.edits["name"].setText("Zoë Peña-Núñez")
    window.form.edits["phone"].setText("202 555 0143")
    window.form.times.buttons()[1].setChecked(True)
    window.form.consent.setChecked(True)

    tap(qtbot, window.header.access.language)

    assert window.current_page == SIGNUP
    assert window.form.values()["name"] == "Zoë Peña-Núñez"
    assert window.form.values()["phone"] == "202 555 0143"
    assert window.form.values()["contact_time"] == "afternoon"
    # They agreed to the English wording; the Spanish one must be agreed to on its own.
    assert not window.form.consent.isChecked()
    assert window.form.consent_version.startswith("es-")


def test_what_was_typed_never_reaches_the_next_patient_even_if_the_form_went_away(
        qtbot, window):
    window.show_signup()
    window.form.edits["name"].setText("Zoë Peña-Núñez")
    window.form.edits["phone"].setText("202 555 0143")
    assert window.services.signups is not None
    window.services.signups.keys_file.unlink()  # sign-ups switched off meanwhile

    tap(qtbot, window.header.access.language)
    assert window.current_page == NOT_READY
    window.show_attract()

    assert all(edit.text() == "" for edit in window.form.edits.values())
    assert not any(edit.isUndoAvailable() for edit in window.form.edits.values())
    assert not window.form.touched


def test_a_spanish_sign_up_stores_the_spanish_consent_version(qtbot, window):
    tap(qtbot, window.attract.access.language)
    window.show_signup()
    form = window.form
    form.edits["name"].setText("Zoë Peña")
    form.edits["email"].setText("zoe@example.com")
    form.times.buttons()[0].setChecked(True)
    form.consent.setChecked(True)
    version = form.consent_version
    tap(qtbot, form.send)
    assert window.current_page == THANKS

    assert window.services.signups is not None
    entries = window.services.signups.unlock(PASSPHRASE).entries()
    assert [e.consent_version for e in entries] == [version]
    assert version.startswith("es-")


def test_the_idle_reset_brings_back_the_default_language_text_size_and_colours(qtbot, window):
    window.show_section(0)
    tap(qtbot, window.header.access.language)
    tap(qtbot, window.header.access.text_size)
    tap(qtbot, window.header.access.contrast)
    assert (window.presentation.language, window.presentation.text_percent,
            window.presentation.high_contrast) == ("es", 150, True)

    with qtbot.waitSignal(window.idle.expired, timeout=WAIT_MS):
        pass

    assert window.current_page == ATTRACT
    assert (window.presentation.language, window.presentation.text_percent,
            window.presentation.high_contrast) == ("en", 100, False)
    assert window.attract.access.language.text() == "Español"


def test_larger_text_steps_up_to_double_and_back(qtbot, window):
    window.show_section(0)
    sizes, bar = [], []
    for _ in range(3):
        sizes.append(window.section_pages[0].text.font().pixelSize())
        bar.append(window.nav.next.font().pixelSize())
        if window.header.folded:
            # At larger text the three reading buttons open from one "Aa" button.
            assert not window.header.access.text_size.isVisible()
            tap(qtbot, window.header.access.more)
        tap(qtbot, window.header.access.text_size)
    assert window.presentation.text_percent == 100
    assert sizes[1] > sizes[0]
    assert sizes[2] >= 2 * sizes[0] - 1
    # The bars' short labels ("Next", "Home") stop at 150%, leaving the room to the text.
    assert bar[2] == bar[1] >= round(1.5 * bar[0]) - 1


def test_the_spanish_keyboard_has_every_spanish_letter_and_mark(qtbot):
    keyboard = OnScreenKeyboard({"keyboard_done": "Listo", "keyboard_space": "espacio"})
    qtbot.addWidget(keyboard)
    keyboard.set_layout("accents")
    labels = {b.key.text for b in keyboard.buttons()}
    assert set("ñáéíóúü¿¡") <= labels
    assert keyboard.button("Listo").accessibleName() == "Listo"
