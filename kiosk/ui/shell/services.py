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
    from kiosk.content.kiosk_pages import KioskPages
    from kiosk.content.versions import VersionStore
    from kiosk.security import PinGuard
    from kiosk.signups.service import SignupService
    from kiosk.staff_session import StaffSession
    from kiosk.ui.widgets.listen_button import Speaker


class Services:
    def __init__(self, signups: SignupService | None, pin: PinGuard | None,
                 content_status: Callable[[], list[str]] = lambda: [],
                 speaker: Speaker | None = None, *, sends_to_desk: bool = False,
                 pages: KioskPages | None = None,
                 find_stick: Callable[[], VersionStore | None] = lambda: None,
                 pages_shown: Callable[[], None] = lambda: None) -> None:
        """``signups`` None when the sign-up database cannot be opened (read-only or full
        disk): the form then sends patients to the front desk, and the reason is in the log.
        ``content_status``: problems with the live content folder, as 'file:line: message',
        for the staff panel. ``speaker`` reads pages aloud; None when the kiosk has no engine
        or no sound (app.py logs why). ``sends_to_desk``: a clinic server is configured
        ([server]): the panel says sign-ups go to the desk and how many wait here to be
        sent. ``pages``: published versions on this kiosk, for the staff panel's "Load pages
        from the USB stick" and "Go back to the previous pages" (None: no Pages screen).
        ``find_stick``: the USB stick's published pages, looked for when staff tap; None
        when there are none. ``pages_shown``: called after the panel swapped new pages in
        (the watcher loads them at once)."""
        self._make_signups: Callable[[], SignupService | None] = lambda: signups
        self._make_pin: Callable[[], PinGuard | None] = lambda: pin
        self._made = False
        self._signups: SignupService | None = None
        self._pin: PinGuard | None = None
        self._staff: StaffSession | None = None
        self.content_status = content_status
        self.speaker = speaker
        self.sends_to_desk = sends_to_desk
        self.pages = pages
        self.find_stick = find_stick
        self.pages_shown = pages_shown

    @classmethod
    def made_later(cls, signups: Callable[[], SignupService | None],
                   pin: Callable[[], PinGuard], content_status: Callable[[], list[str]],
                   speaker: Speaker | None, **others: object) -> Services:
        """As the constructor, with the sign-up service and PIN guard made by ``signups``
        and ``pin`` when first asked for; ``others`` are the constructor's keywords."""
        services = cls(None, None, content_status, speaker, **others)  # type: ignore[arg-type]
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

            self._staff = StaffSession(self.pin, self.signups,  # type: ignore[arg-type]
                                       sends_to_desk=self.sends_to_desk)
        return self._staff

    def stop_reading(self) -> None:
        """Whatever is being read aloud stops: the pages are rebuilt (language, text size,
        contrast) or the idle reset forgets the patient. A page change needs no call: the
        Listen button stops its reading when its page hides."""
        if self.speaker is not None:
            self.speaker.stop()
