"""Server mode: the staff panel says sign-ups go to the front desk, and how many wait here."""

from __future__ import annotations

from kiosk.signups.entry import Signup
from kiosk.ui.shell.window import STAFF

from .conftest import PIN
from .test_staff_panel import long_press_logo


def test_the_panel_sends_staff_to_the_desk_and_counts_what_waits(qtbot, make_window,
                                                                  make_settings, screen_size):
    window = make_window(screen_size, settings=make_settings(staff_hold_ms=100))
    window.services.staff.sends_to_desk = True  # what app.build sets when [server] is there
    for name in ("Ana Ruiz", "Zoë Peña-Núñez", "Li Wei"):
        window.services.signups.submit(Signup(
            name=name, phone="+12025550143", email="", contact_time="morning", note="",
            consent_version="en-2026-11-1"))
    long_press_logo(qtbot, window)
    assert window.current_page == STAFF
    message = window.staff.pin.message
    assert message.isVisible()
    assert message.text() == ("Sign-ups go to the front desk's computer; this kiosk cannot "
                              "read them. Waiting here to be sent: 3.")
    # The PIN opens nothing here: there is nothing this kiosk could show.
    window.staff.pin.type_pin(PIN)
    assert not window.staff.checking.busy
    assert window.staff.step is window.staff.pin
    assert "Waiting here to be sent: 3." in message.text()
