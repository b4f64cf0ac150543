"""The on-screen keyboard types what a patient taps, accents included, into the focused field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from kiosk.ui.widgets.keyboard import EMAIL, LAYOUTS, PHONE, TEXT, OnScreenKeyboard

ACCENTED = {k.text for row in LAYOUTS["accents"] for k in row if k.action == "type"}


@pytest.fixture
def typing(qtbot):
    host = QWidget()
    edit = QLineEdit()
    keyboard = OnScreenKeyboard()
    keyboard.setStyleSheet("QPushButton#Key { min-height: 72px; }")
    layout = QVBoxLayout(host)
    layout.addWidget(edit)
    layout.addWidget(keyboard)
    qtbot.addWidget(host)
    host.resize(1080, 900)
    host.show()
    qtbot.waitExposed(host)
    edit.setFocus()
    yield edit, keyboard
    host.close()  # also keeps the host (and so its children) alive until here


def tap(qtbot, keyboard: OnScreenKeyboard, label: str) -> None:
    qtbot.mouseClick(keyboard.button(label), Qt.MouseButton.LeftButton)


def type_on(qtbot, keyboard: OnScreenKeyboard, text: str) -> None:
    """Tap the keys a person would: shift for capitals, the accent layer for accents."""
    for char in text:
        if char == " ":
            tap(qtbot, keyboard, "space")
            continue
        lower = char.lower()
        needs_accents = lower in ACCENTED
        if needs_accents and keyboard.layout_name != "accents":
            tap(qtbot, keyboard, "àé")
        if not needs_accents and keyboard.layout_name == "accents":
            tap(qtbot, keyboard, "abc")
        if char != lower:
            tap(qtbot, keyboard, "⇧")
        tap(qtbot, keyboard, char)
    if keyboard.layout_name == "accents":
        tap(qtbot, keyboard, "abc")


def test_an_accented_name_can_be_typed(qtbot, typing):
    edit, keyboard = typing
    keyboard.attach(edit, TEXT)
    type_on(qtbot, keyboard, "Zoë Peña-Núñez")
    assert edit.text() == "Zoë Peña-Núñez"


def test_shift_makes_one_capital_then_lets_go(qtbot, typing):
    edit, keyboard = typing
    keyboard.attach(edit, TEXT)
    tap(qtbot, keyboard, "⇧")
    assert keyboard.shifted
    tap(qtbot, keyboard, "A")
    assert not keyboard.shifted
    tap(qtbot, keyboard, "b")
    assert edit.text() == "Ab"


def test_backspace_deletes(qtbot, typing):
    edit, keyboard = typing
    keyboard.attach(edit, PHONE)
    for digit in "5551":
        tap(qtbot, keyboard, digit)
    tap(qtbot, keyboard, "⌫")
    assert edit.text() == "555"


def test_email_layout_has_at_and_dot_com(qtbot, typing):
    edit, keyboard = typing
    keyboard.attach(edit, EMAIL)
    for key in ("a", "@", "b", ".com"):
        tap(qtbot, keyboard, key)
    assert edit.text() == "a@b.com"


def test_phone_layout_is_digits_only(typing):
    _edit, keyboard = typing
    keyboard.attach(_edit, PHONE)
    typed = {b.key.text for b in keyboard.buttons() if b.key.action == "type"}
    assert typed == set("0123456789+")


def test_keys_never_take_focus_and_are_big(qtbot, typing):
    edit, keyboard = typing
    for layout in (TEXT, EMAIL, PHONE, "accents"):
        keyboard.attach(edit, layout)
        qtbot.waitUntil(lambda: keyboard.buttons()[0].height() >= 44, timeout=1000)
        for button in keyboard.buttons():
            assert button.focusPolicy() == Qt.FocusPolicy.NoFocus
            assert button.width() >= 44, button.text()
            assert button.height() >= 44, button.text()
    assert edit.hasFocus()


def test_done_hides_nothing_by_itself_but_says_so(qtbot, typing):
    edit, keyboard = typing
    keyboard.attach(edit, TEXT)
    with qtbot.waitSignal(keyboard.doneTapped, timeout=1000):
        tap(qtbot, keyboard, "Done")
    keyboard.attach(None, TEXT)
    assert keyboard.isHidden()
