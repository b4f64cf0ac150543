"""The sign-up form's place in the page stack: one form at a time, replaced whole.

Forgetting a patient's details means destroying the form that holds them (with its undo
history), not clearing its fields; the clipboard goes too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QStackedWidget

if TYPE_CHECKING:
    from kiosk.ui.pages.signup.form import SignupForm


class FormSlot(QObject):
    def __init__(self, stack: QStackedWidget, make_form: Callable[[], SignupForm]) -> None:
        """A form made by ``make_form`` when first asked for, put in ``stack``."""
        super().__init__(stack)  # goes with the stack at a rebuild
        self._stack = stack
        self._make_form = make_form
        self._form: SignupForm | None = None
        self._shown = False

    @property
    def form(self) -> SignupForm:
        """The form, built now if it was not yet (the start screen does not wait for it)."""
        if self._form is None:
            self._form = self._make_form()
            self._stack.addWidget(self._form)
        return self._form

    @property
    def made(self) -> bool:
        return self._form is not None

    def show(self) -> SignupForm:
        self._shown = True
        return self.form

    def reset(self) -> None:
        """A new, empty form: the old one is destroyed with everything typed and its undo.

        A form that was never on screen and never had anything put in it has nothing to
        forget and is kept (every return to the start screen would otherwise build one for
        nothing).
        """
        old = self._form
        if old is not None and (self._shown or old.touched):
            self._form = self._make_form()
            self._shown = False
            self._stack.insertWidget(self._stack.indexOf(old), self._form)
            self._stack.removeWidget(old)
            old.deleteLater()
        clipboard = QGuiApplication.clipboard()
        clipboard.clear()
        if clipboard.supportsSelection():
            # X11 also keeps the last selected text for middle-click paste.
            clipboard.clear(QClipboard.Mode.Selection)
