"""The on-screen keyboard under the field being typed in, and the header making way for it.

One for the window's life: it reads the pages of the current presentation each time (the
keyboard is built with them, when a field first asks for it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from kiosk.ui.shell.controller import SessionController
from kiosk.ui.shell.pages import Pages


class Typing:
    def __init__(self, window: QWidget, pages: Callable[[], Pages],
                 controller: SessionController) -> None:
        self._window = window
        self._pages = pages
        self._controller = controller

    def typing(self) -> bool:
        """Whether the keyboard is up (False, and nothing built, if it never was)."""
        pages = self._pages()
        return pages.is_made("keyboard") and pages.keyboard.isVisible()

    def attach(self, target: QWidget | None, layout: str) -> None:
        """The keyboard types into ``target`` with ``layout`` (text, email, phone)."""
        self._pages().keyboard.attach(target, layout)
        self.place_header()

    def done(self) -> None:
        """The keyboard goes, and the field it typed into lets go of the focus."""
        focused = self._window.focusWidget()
        if focused is not None:
            focused.clearFocus()
        self._pages().keyboard.attach(None, "")
        self.place_header()

    def place_header(self) -> None:
        """The header shows on patient pages; at larger text it makes way for the keyboard,
        which with the field above it would not fit a landscape screen otherwise (the form
        keeps Back, and the keyboard its Done)."""
        pages = self._pages()
        typing_large = (pages.is_made("keyboard") and pages.keyboard.isVisibleTo(self._window)
                        and self._controller.presentation.text_percent > 100)
        pages.header.setVisible(self._controller.page.has_header and not typing_large)
