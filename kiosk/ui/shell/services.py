"""What the window needs besides content and settings, made in ``app.build``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.security import PinGuard
from kiosk.signups.service import SignupService
from kiosk.staff_session import StaffSession


@dataclass
class Services:
    # None when the sign-up database cannot be opened (read-only or full disk): the form
    # then sends patients to the front desk, and the reason is in the log.
    signups: SignupService | None
    pin: PinGuard
    # Problems with the live content folder, as 'file:line: message', for the staff panel.
    content_status: Callable[[], list[str]] = field(default=lambda: [])
    # The front desk's way in, around ``pin`` and ``signups``: it outlives every rebuild of
    # the panel, so a check still running finds the same generation count.
    staff: StaffSession = field(init=False)

    def __post_init__(self) -> None:
        self.staff = StaffSession(self.pin, self.signups)
