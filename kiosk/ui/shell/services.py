"""What the window needs besides content and settings, made in ``app.build``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.content.kiosk_pages import KioskPages
from kiosk.content.versions import VersionStore
from kiosk.security import PinGuard
from kiosk.signups.service import SignupService
from kiosk.staff_session import StaffSession
from kiosk.ui.widgets.listen_button import Speaker


@dataclass
class Services:
    # None when the sign-up database cannot be opened (read-only or full disk): the form
    # then sends patients to the front desk, and the reason is in the log.
    signups: SignupService | None
    pin: PinGuard
    # Problems with the live content folder, as 'file:line: message', for the staff panel.
    content_status: Callable[[], list[str]] = field(default=lambda: [])
    # Reads pages aloud; None when the kiosk has no engine or no sound (app.py logs why).
    speaker: Speaker | None = None
    # A clinic server is configured ([server]): the panel says sign-ups go to the desk and
    # how many wait here to be sent.
    sends_to_desk: bool = False
    # Published versions on this kiosk: the staff panel's "Load pages from the USB stick"
    # and "Go back to the previous pages" (None: the panel has no Pages screen).
    pages: KioskPages | None = None
    # The USB stick's published pages, looked for when staff tap; None when there are none.
    find_stick: Callable[[], VersionStore | None] = field(default=lambda: None)
    # Called after the panel swapped new pages in: the watcher loads them at once.
    pages_shown: Callable[[], None] = field(default=lambda: None)
    # The front desk's way in, around ``pin`` and ``signups``: it outlives every rebuild of
    # the panel, so a check still running finds the same generation count.
    staff: StaffSession = field(init=False)

    def __post_init__(self) -> None:
        self.staff = StaffSession(self.pin, self.signups, sends_to_desk=self.sends_to_desk)

    def stop_reading(self) -> None:
        """Whatever is being read aloud stops: the pages are rebuilt (language, text size,
        contrast) or the idle reset forgets the patient. A page change needs no call: the
        Listen button stops its reading when its page hides."""
        if self.speaker is not None:
            self.speaker.stop()
