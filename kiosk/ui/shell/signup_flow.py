"""The sign-up form: its slot in each presentation's stack, the form wired as it is made,
and what a sent form leads to (the thank-you page, or the patient keeps what they typed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QStackedWidget

from kiosk.session import THANKS
from kiosk.ui.pages.signup.slot import FormSlot
from kiosk.ui.shell.controller import Saved, SessionController
from kiosk.ui.shell.page_factory import PageFactory
from kiosk.ui.shell.pages import Pages
from kiosk.ui.shell.typing import Typing

if TYPE_CHECKING:
    from kiosk.ui.pages.signup.form import SignupForm


class SignupFlow:
    def __init__(self, factory: PageFactory, controller: SessionController, typing: Typing,
                 pages: Callable[[], Pages]) -> None:
        self._factory = factory
        self._controller = controller
        self._typing = typing
        self._pages = pages

    def new_slot(self, stack: QStackedWidget) -> FormSlot:
        """The form's slot in a new presentation's ``stack`` (the form is made when first
        asked for)."""
        self.slot = FormSlot(stack, self._new_form)
        return self.slot

    def _new_form(self) -> SignupForm:
        form = self._factory.new_form(self._pages(), self._controller.presentation)
        form.submitted.connect(self._save)
        form.fieldFocused.connect(self._typing.attach)
        return form

    def _save(self, signup: object) -> None:
        from kiosk.signups.entry import Signup  # imported by the form that sent it

        assert isinstance(signup, Signup)
        if (saved := self._controller.submit(signup)) is Saved.FAILED:
            # The patient keeps what they typed.
            self.slot.form.show_failure(self._pages().strings["signup_failed"])
        elif saved is Saved.SAVED:
            self.slot.reset()
            self._controller.go(THANKS)
