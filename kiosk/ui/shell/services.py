"""What the window needs besides content and settings, made in ``app.build``.

The sign-up stack (PyNaCl, argon2; phonenumbers and Babel come later still, with the form
and the staff list) is not needed for the start screen: ``Services.made_later`` takes the
functions that make the sign-up service and the PIN guard, and they run the first time
either is asked for (the form, the staff panel, the hourly purge), after the first paint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.security import PinGuard
    from kiosk.signups.service import SignupService
    from kiosk.staff_session import StaffSession
    from kiosk.ui.widgets.listen_button import Speaker


class Services:
    def __init__(self, signups: SignupService | None, pin: PinGuard | None,
                 content_status: Callable[[], list[str]] = lambda: [],
                 speaker: Speaker | None = None) -> None:
        """``signups`` None when the sign-up database cannot be opened (read-only or full
        disk): the form then sends patients to the front desk, and the reason is in the log.
        ``content_status``: problems with the live content folder, as 'file:line: message',
        for the staff panel. ``speaker`` reads pages aloud; None when the kiosk has no engine
        or no sound (app.py logs why)."""
        self._make_signups: Callable[[], SignupService | None] = lambda: signups
        self._make_pin: Callable[[], PinGuard | None] = lambda: pin
        self._made = False
        self._signups: SignupService | None = None
        self._pin: PinGuard | None = None
        self._staff: StaffSession | None = None
        self.content_status = content_status
        self.speaker = speaker

    @classmethod
    def made_later(cls, signups: Callable[[], SignupService | None],
                   pin: Callable[[], PinGuard], content_status: Callable[[], list[str]],
                   speaker: Speaker | None) -> Services:
        services = cls(None, None, content_status, speaker)
        services._make_signups, services._make_pin = signups, pin
        return services

    @property
    def made(self) -> bool:
        """Whether the sign-up service and PIN guard exist yet."""
        return self._made

    def _make(self) -> None:
        if not self._made:
            self._made = True
            self._signups = self._make_signups()
            self._pin = self._make_pin()

    @property
    def signups(self) -> SignupService | None:
        self._make()
        return self._signups

    @property
    def pin(self) -> PinGuard | None:
        self._make()
        return self._pin

    @property
    def staff(self) -> StaffSession:
        """The front desk's way in, around ``pin`` and ``signups``: it outlives every rebuild
        of the panel, so a check still running finds the same generation count."""
        if self._staff is None:
            from kiosk.staff_session import StaffSession

            self._staff = StaffSession(self.pin, self.signups)  # type: ignore[arg-type]
        return self._staff

    def stop_reading(self) -> None:
        """Whatever is being read aloud stops: the pages are rebuilt (language, text size,
        contrast) or the idle reset forgets the patient. A page change needs no call: the
        Listen button stops its reading when its page hides."""
        if self.speaker is not None:
            self.speaker.stop()
