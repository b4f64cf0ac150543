"""The form stops typing where the core's checks stop accepting, not before (issue 14)."""

from __future__ import annotations

from kiosk.signups.entry import MAX_LENGTH, validate_field

# 32 characters: a number with an extension, which the core keeps ("... ext. 123456").
LONG_PHONE = "+1 202 555 0143 extension 123456"


def test_each_field_takes_as_much_as_the_core_accepts(make_window):
    form = make_window().form
    assert {name: form.edits[name].maxLength() for name in MAX_LENGTH} == MAX_LENGTH


def test_a_long_phone_number_the_core_accepts_is_not_cut_on_screen(make_window):
    assert validate_field("phone", LONG_PHONE, "US") == ("+12025550143 ext. 123456", None)
    edit = make_window().form.edits["phone"]
    edit.setText(LONG_PHONE)
    assert edit.text() == LONG_PHONE
