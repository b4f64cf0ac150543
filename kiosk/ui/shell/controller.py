"""The patient's session, owned on the UI thread: every way of moving comes through here.

The rules are `kiosk.session`'s (Qt-free, unit-tested); this thin layer keeps the one
`PatientSession`, the timers that belong to it (idle, thank-you), saves a finished sign-up,
and says what changed: ``pageChanged`` for the window to draw, ``presentationChanged`` for
it to rebuild its pages.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk import session as rules
from kiosk.config import Settings
from kiosk.content.links import is_internal
from kiosk.session import ATTRACT, STAFF, THANKS, TOPICS, Draft, Page, PatientSession, Presentation
from kiosk.signups.store import StoreUnavailable
from kiosk.ui.shell.idle import IdleGuard

if TYPE_CHECKING:
    from kiosk.signups.entry import Signup
    from kiosk.signups.service import SignupService

log = logging.getLogger(__name__)


class Saved(enum.Enum):
    SAVED = "saved"
    FAILED = "failed"  # the store refused it; the patient keeps what they typed
    NOT_READY = "not ready"


class SessionController(QObject):
    # (the page before, the page now); emitted on every move, also to the same page.
    pageChanged = Signal(object, object)
    # The new Presentation: the pages are to be built anew in it.
    presentationChanged = Signal(object)

    def __init__(self, settings: Settings, signups: Callable[[], SignupService | None],
                 parent: QObject | None = None) -> None:
        """``signups`` gives the sign-up service (None when there is none) when a sign-up is
        first asked for: the start screen does not wait for it."""
        super().__init__(parent)
        self._settings = settings
        self._signups = signups
        self._session = PatientSession.start(settings)
        self._slugs: tuple[str, ...] = ()
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(settings.thank_you_ms)
        self.thanks_timer.timeout.connect(self.show_start)
        self.idle = IdleGuard(settings.idle_ms, settings.idle_countdown_ms, self)

    # State -------------------------------------------------------------------------------

    @property
    def session(self) -> PatientSession:
        return self._session

    @property
    def page(self) -> Page:
        return self._session.page

    @property
    def presentation(self) -> Presentation:
        return self._session.presentation

    @property
    def slugs(self) -> tuple[str, ...]:
        return self._slugs

    def signup_ready(self) -> bool:
        signups = self._signups()
        return signups is not None and signups.ready()

    def section_index(self) -> int | None:
        return rules.section_index(self.page, self._slugs)

    # Moving ------------------------------------------------------------------------------

    def go(self, page: Page) -> None:
        """Put ``page`` up: the session, its timers, then whoever draws it."""
        before = self._session.page
        self._session = rules.with_page(self._session, page)
        if page != THANKS:
            self.thanks_timer.stop()
        wait = rules.idle_ms(page, self._settings)
        if wait is None:
            self.idle.stop()
        else:
            self.idle.set_idle_ms(wait)
            self.idle.start()
        log.info("page %s", page)
        self.pageChanged.emit(before, page)
        if page == THANKS:
            # Thank the patient, then go back to the start after ``thank_you_ms``.
            self.thanks_timer.start()

    def _go_if(self, page: Page | None) -> None:
        if page is not None:
            self.go(page)

    def show_start(self) -> None:
        self.go(rules.start_page(self._slugs))

    def show_topics(self) -> None:
        if self._slugs:
            self.go(TOPICS)

    def show_number(self, index: int) -> None:
        """The section at ``index`` in reading order (the dots, the topics menu)."""
        if not 0 <= index < len(self._slugs):
            log.warning("no section number %d", index)
            return
        self.go(Page.section(self._slugs[index]))

    def show_slug(self, slug: str) -> None:
        if slug in self._slugs:
            self.go(Page.section(slug))

    def show_signup(self) -> None:
        self.go(rules.signup_page(self.signup_ready()))

    def show_staff(self) -> None:
        self.go(STAFF)

    def go_next(self) -> None:
        self._go_if(rules.next_page(self.page, self._slugs, self.signup_ready()))

    def go_back(self) -> None:
        self.go(rules.previous_page(self.page, self._slugs))

    def swipe(self, direction: int) -> None:
        self._go_if(rules.swipe_page(self.page, direction, self._slugs))

    def start_from_attract(self) -> None:
        # The release that ends the staff long press must not also start the tour.
        if self.page == ATTRACT:
            self.go_next()

    def follow_link(self, target: str) -> None:
        """Only section and sign-up links go anywhere; anything else is ignored (and logged)."""
        page = rules.link_page(target, self._slugs, self.signup_ready())
        if page is not None:
            self.go(page)
        elif not is_internal(target):
            log.warning("ignored a link that would leave the kiosk")

    def content_changed(self, slugs: tuple[str, ...]) -> None:
        """New section pages are up: stay where the patient is if that still exists."""
        self._slugs = slugs
        self._go_if(rules.page_after_content(self.page, slugs))

    # Sign-up -----------------------------------------------------------------------------

    def submit(self, signup: Signup) -> Saved:
        signups = self._signups()
        if signups is None:
            self.go(rules.signup_page(False))
            return Saved.NOT_READY
        try:
            signups.submit(signup)
        except StoreUnavailable:
            # Logged by the store without patient data.
            return Saved.FAILED
        self._session = replace(self._session, draft=None)
        return Saved.SAVED

    def form_shown(self, consent_version: str) -> None:
        self._session = replace(self._session, consent_version=consent_version)

    # Presentation and reset --------------------------------------------------------------

    def present(self, presentation: Presentation, draft: Draft | None = None) -> bool:
        """Rebuild in ``presentation`` and come back to the equivalent page, keeping what was
        typed (``draft``). False if nothing changed."""
        if presentation == self._session.presentation:
            return False
        page = self.page
        self._session = replace(self._session, presentation=presentation, draft=draft)
        self.presentationChanged.emit(presentation)
        # The rebuild put the content back, which keeps sections and topics; the form and
        # the thank-you page are put back here.
        if page.is_signup:
            self.show_signup()
        elif page == THANKS:
            self.go(THANKS)
        log.info("presentation: %s, %d%% text, high contrast %s", presentation.language,
                 presentation.text_percent, presentation.high_contrast)
        return True

    def start_over(self, rebuilt: Callable[[], None] = lambda: None) -> None:
        """Forget the last patient: start screen in the clinic's language, text size and
        colours, nothing typed. ``rebuilt`` runs once the pages are in that presentation."""
        fresh = rules.reset(self._settings)
        self._session = replace(fresh, presentation=self._session.presentation)
        self.present(fresh.presentation)
        rebuilt()
        self.show_start()
        log.info("idle: started over")
