"""An on-screen keyboard drawn inside the kiosk window.

Inside the window, not a separate one, so it behaves the same under X11, a Wayland kiosk
shell and eglfs, and never lets a patient reach the desktop. Three layouts: ``text`` (letters,
shift, a layer of accented letters so 'Zoë Peña-Núñez' can be typed), ``email`` (with ``@``,
``.`` and ``.com``) and ``phone`` (digits). In Spanish ``ñ`` is a letter of its own, beside
``l`` as on a Spanish keyboard, not hidden on the accents layer. Keys never take focus; each
tap is delivered to the focused field as the key event a hardware keyboard would send.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

TEXT, EMAIL, PHONE = "text", "email", "phone"

# Special keys: (label, action). Ordinary keys are plain strings.
SHIFT = ("⇧", "shift")
ACCENTS = ("àé", "accents")
LETTERS = ("abc", "letters")
BACKSPACE = ("⌫", "backspace")
DONE = ("Done", "done")
SPACE = ("space", "space")


@dataclass(frozen=True)
class Key:
    label: str
    action: str  # "type" or one of the special actions
    text: str = ""
    span: int = 1


def _row(chars: str) -> list[Key]:
    return [Key(c, "type", c) for c in chars]


def _special(pair: tuple[str, str], span: int = 1) -> Key:
    return Key(pair[0], pair[1], span=span)


_LETTER_ROWS = [_row("1234567890"), _row("qwertyuiop"), _row("asdfghjkl'"), _row("zxcvbnm-.,")]
_ACCENT_ROWS = [_row("áàâäãåæ"), _row("éèêëíìîï"), _row("óòôöõøúùûü"), _row("ñçýÿßœ¿¡")]
# Spanish: ñ where a Spanish keyboard has it; the apostrophe moves to the accents layer.
_SPANISH_LETTER_ROWS = [*_LETTER_ROWS[:2], _row("asdfghjklñ"), _LETTER_ROWS[3]]
_SPANISH_ACCENT_ROWS = [*_ACCENT_ROWS[:3], _row("ñçýÿßœ¿¡'")]

LAYOUTS: dict[str, list[list[Key]]] = {
    TEXT: [
        *_LETTER_ROWS,
        [_special(SHIFT, 2), _special(ACCENTS, 2), _special(SPACE, 4), _special(BACKSPACE, 2)],
        [_special(DONE, 10)],
    ],
    "accents": [
        *_ACCENT_ROWS,
        [_special(SHIFT, 2), _special(LETTERS, 2), _special(SPACE, 4), _special(BACKSPACE, 2)],
        [_special(DONE, 10)],
    ],
    EMAIL: [
        _row("1234567890"),
        _row("qwertyuiop"),
        _row("asdfghjkl_"),
        _row("zxcvbnm-.+"),
        [Key("@", "type", "@", 2), Key(".com", "type", ".com", 2), Key(".net", "type", ".net", 2),
         Key(".org", "type", ".org", 2), _special(BACKSPACE, 2)],
        [_special(DONE, 10)],
    ],
    PHONE: [
        [Key(c, "type", c, 2) for c in "123"],
        [Key(c, "type", c, 2) for c in "456"],
        [Key(c, "type", c, 2) for c in "789"],
        [Key("+", "type", "+", 2), Key("0", "type", "0", 2), _special(BACKSPACE, 2)],
        [_special(DONE, 6)],
    ],
}


# The letter layers of a language where they differ from the ones above.
LANGUAGE_LAYOUTS: dict[str, dict[str, list[list[Key]]]] = {
    "es": {
        TEXT: [*_SPANISH_LETTER_ROWS, *LAYOUTS[TEXT][4:]],
        "accents": [*_SPANISH_ACCENT_ROWS, *LAYOUTS["accents"][4:]],
    },
}


def layouts_for(language: str) -> dict[str, list[list[Key]]]:
    return LAYOUTS | LANGUAGE_LAYOUTS.get(language, {})


# What a screen reader says for each special key, and the words on Done and space: keys of
# the interface strings (resources/i18n), with English when none are given.
SPOKEN = {"shift": ("keyboard_shift", "Shift"),
          "accents": ("keyboard_accents", "Accented letters"),
          "letters": ("keyboard_letters", "Letters"),
          "backspace": ("keyboard_delete", "Delete"),
          "done": ("keyboard_done", "Done"),
          "space": ("keyboard_space", "space")}
SHOWN = ("done", "space")


class KeyButton(QPushButton):
    def __init__(self, key: Key, strings: Mapping[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(key.label, parent)
        self.key = key
        self.setObjectName("Key")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoRepeat(key.action == "backspace")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if key.action in SPOKEN:
            string_key, english = SPOKEN[key.action]
            spoken = strings.get(string_key, english)
            self.setAccessibleName(spoken)
            if key.action in SHOWN:
                self.setText(spoken)
        else:
            self.setAccessibleName(key.text)


class OnScreenKeyboard(QWidget):
    doneTapped = Signal()

    def __init__(self, strings: Mapping[str, str] | None = None, language: str = "en",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strings: Mapping[str, str] = strings or {}
        self._layouts = layouts_for(language)
        self.setObjectName("Keyboard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._layout_name = TEXT
        self._shift = False
        self._target: QWidget | None = None
        self._grid_host = QWidget(self)
        self._grid = QGridLayout(self._grid_host)
        self._grid.setSpacing(8)
        self._grid.setContentsMargins(16, 12, 16, 12)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._grid_host)
        self._buttons: list[KeyButton] = []
        self.set_layout(TEXT)

    @property
    def layout_name(self) -> str:
        return self._layout_name

    @property
    def shifted(self) -> bool:
        return self._shift

    def buttons(self) -> list[KeyButton]:
        return list(self._buttons)

    def button(self, label: str) -> KeyButton:
        """The key showing ``label`` on the current layout (for tests and screenshots)."""
        for button in self._buttons:
            if button.text() == label or button.key.label == label:
                return button
        raise KeyError(label)

    def attach(self, target: QWidget | None, layout: str) -> None:
        """Type into ``target`` with ``layout``; None hides the keyboard."""
        self._target = target
        if target is None:
            self.hide()
            return
        self._shift = False
        self.set_layout(layout)
        self.show()

    def set_layout(self, name: str) -> None:
        self._layout_name = name
        for button in self._buttons:
            self._grid.removeWidget(button)
            button.deleteLater()
        self._buttons = []
        for row_index, row in enumerate(self._layouts[name]):
            column = 0
            for key in row:
                button = KeyButton(key, self._strings, self._grid_host)
                button.clicked.connect(lambda _checked=False, k=key: self._on_key(k))
                self._grid.addWidget(button, row_index, column, 1, key.span)
                self._buttons.append(button)
                column += key.span
        self._refresh_labels()

    def _refresh_labels(self) -> None:
        for button in self._buttons:
            key = button.key
            if key.action == "type" and len(key.text) == 1:
                button.setText(key.text.upper() if self._shift else key.text)
            elif key.action == "shift":
                button.setProperty("active", self._shift)
                button.style().unpolish(button)
                button.style().polish(button)

    def _on_key(self, key: Key) -> None:
        if key.action == "type":
            text = key.text.upper() if self._shift and len(key.text) == 1 else key.text
            self._send(Qt.Key.Key_unknown, text)
            if self._shift:
                self._shift = False  # one capital letter, like a phone keyboard
                self._refresh_labels()
        elif key.action == "space":
            self._send(Qt.Key.Key_Space, " ")
        elif key.action == "backspace":
            self._send(Qt.Key.Key_Backspace, "")
        elif key.action == "shift":
            self._shift = not self._shift
            self._refresh_labels()
        elif key.action == "accents":
            self.set_layout("accents")
        elif key.action == "letters":
            self.set_layout(TEXT)
        elif key.action == "done":
            self.doneTapped.emit()

    def _send(self, code: Qt.Key, text: str) -> None:
        target = self._target
        if target is None or not target.isVisible():
            return
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                target, QKeyEvent(kind, code, Qt.KeyboardModifier.NoModifier, text))
