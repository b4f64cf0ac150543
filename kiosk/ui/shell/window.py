"""The kiosk window: header, the page stack (attract, sections, topics) and the nav bar.

It draws what the `SessionController` says: every way of moving (buttons, dots, swipes,
links, the topics menu) goes to the controller, which keeps the patient's session and its
rules (`kiosk.session`) and answers with ``pageChanged`` / ``presentationChanged``.

Only the start screen and its bars are built before the first paint; each other page when
first shown, and all the rest in short slices just after that paint (``firstPainted``), so
a boot shows the start screen sooner and the first tap still finds its page built.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.config import Settings
from kiosk.content.model import ContentSet, Section
from kiosk.session import (
    ATTRACT,
    NOT_READY,
    SIGNUP,
    STAFF,
    THANKS,
    TOPICS,
    UNAVAILABLE,
    Draft,
    Page,
    Presentation,
    section_index,
)
from kiosk.ui.input.activity import ActivityWatcher
from kiosk.ui.input.long_press import LongPress
from kiosk.ui.input.swipe import SwipeDetector
from kiosk.ui.pages.section_swap import SectionPages
from kiosk.ui.services.first_paint import FirstPaint
from kiosk.ui.shell.controller import SessionController
from kiosk.ui.shell.idle import IdleGuard
from kiosk.ui.shell.later_pages import LaterPages
from kiosk.ui.shell.page_factory import PageFactory
from kiosk.ui.shell.pages import Pages
from kiosk.ui.shell.services import Services
from kiosk.ui.shell.signup_flow import SignupFlow
from kiosk.ui.shell.titles import spoken_title, window_title
from kiosk.ui.shell.typing import Typing

if TYPE_CHECKING:
    from kiosk.ui.pages.section import SectionPage
    from kiosk.ui.pages.signup.form import SignupForm

log = logging.getLogger(__name__)

# The pages, for those who import them from here.
__all__ = ["ATTRACT", "NOT_READY", "SIGNUP", "STAFF", "THANKS", "TOPICS", "UNAVAILABLE",
           "KioskWindow", "Services"]


class KioskWindow(QWidget, LaterPages):
    # The page now on screen (a kiosk.session.Page), once it is drawn.
    pageShown = Signal(object)
    # The pages were built anew in another language, text size or contrast.
    presentationChanged = Signal()
    exitRequested = Signal()
    # New content's pages are on screen (after set_content, or update_content's last slice).
    contentShown = Signal()
    # The window's first frame is painted and flushed; the pages not shown yet follow.
    firstPainted = Signal()

    _pages: Pages

    def __init__(self, settings: Settings, translations: Mapping[str, Mapping[str, str]],
                 content: ContentSet | None, services: Services,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KioskWindow")
        self._settings = settings
        self._services = services
        self._content = content
        self._may_close = False
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        if not settings.windowed:
            # Before any child exists: later, changing the flags re-parents the window and
            # restyles every page (25 ms at start-up).
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)

        # What outlives a change of language or text size: the session, gestures, watchers.
        self.controller = SessionController(settings, lambda: services.signups, self)
        self.controller.pageChanged.connect(self._draw)
        self.controller.presentationChanged.connect(self._rebuild)
        # The hidden way in for staff: press and hold the clinic's logo.
        self.staff_gesture = LongPress(settings.staff_hold_ms, self)
        self.staff_gesture.triggered.connect(self.controller.show_staff)
        self.swipe = SwipeDetector(parent=self)
        self.swipe.swiped.connect(self.controller.swipe)
        self.activity = ActivityWatcher(self)
        self.activity.activity.connect(self._note_staff_activity)
        self.activity.activity.connect(self.idle.note_activity)
        self.idle.warned.connect(self.show_still_there)
        self.idle.expired.connect(self.start_over)
        self._typing = Typing(self, lambda: self._pages, self.controller)
        self._factory = PageFactory(settings, translations, services, self.controller,
                                    self.staff_gesture, self, self.present)
        self._signup = SignupFlow(self._factory, self.controller, self._typing,
                                  lambda: self._pages)

        self._build_pages()
        self.set_content(content)
        # One more turn of the event loop after the paint: whatever else waited for it (the
        # supervisor's READY=1) goes before the pages built after it.
        FirstPaint(self, lambda: QTimer.singleShot(0, self, self._after_first_paint))

    def _build_pages(self) -> None:
        """Make the start screen and bars for the current language, text size and contrast
        (the other pages are made when first asked for, or by ``build_rest``)."""
        pages = self._pages = self._factory.build(self.presentation, self._wire)
        self.setStyleSheet(pages.style)
        # What is on screen now, by name (tests, automation and screenshots reach for them).
        self.header, self.nav, self.stack = pages.header, pages.nav, pages.stack
        self.attract = pages.attract
        self._form_slot = self._signup.new_slot(self.stack)
        self._section_pages = SectionPages(
            self.stack, lambda: pages.topics, lambda: pages.is_made("topics"),
            lambda section: self._factory.new_section_page(pages, section), self)
        self._section_pages.replaced.connect(self._show_sections)
        for widget in (self.header, self.stack, self.nav):
            self._layout.addWidget(widget, 1 if widget is self.stack else 0)

    # Language, text size, contrast --------------------------------------------------------

    @property
    def presentation(self) -> Presentation:
        return self.controller.presentation

    @property
    def strings(self) -> Mapping[str, str]:
        return self._pages.strings

    def present(self, presentation: Presentation) -> None:
        """Rebuild every page in ``presentation``, on the equivalent page, keeping the form.
        Built anew, not retranslated: sizes, pictures and layouts follow the text size."""
        draft = None
        if self.current_page == SIGNUP:
            # The field being typed in keeps the focus, and so the keyboard stays open.
            draft = Draft(self.form.values(), self.form.focused_field())
        if not self.controller.present(presentation, draft):
            return
        kept = self.controller.session.draft
        if kept is not None and self.current_page == SIGNUP:
            # What the patient typed stays; the consent tick does not, because they agreed
            # to the text in the other language (its version is stored).
            self.form.fill(dict(kept.values))
            if kept.focused is not None:
                self.form.focus_field(kept.focused)
        self.presentationChanged.emit()

    def _rebuild(self, _presentation: Presentation) -> None:
        self._clear_staff_if_made("rebuilt")  # the key never outlives the panel that showed it
        self._services.stop_reading()
        if self._typing.typing():
            self._typing.done()
        self._section_pages.cancel()
        self._section_pages.deleteLater()
        if self._rest is not None:
            # Now, not with its parent later: a slice must not build into the old pages.
            self._rest.cancel()
            self._rest = None
        made = [w for w in self._pages.made() if w.parent() is not self.stack]
        for widget in (self.header, self.stack, self.nav, *made):
            self._layout.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self._build_pages()
        # The new stack shows the attract page until the content puts the patient back.
        self.set_content(self._content)
        if self.isVisible():
            self.build_rest(at_once=True)

    # What is on screen -------------------------------------------------------------------

    @property
    def current_page(self) -> Page:
        return self.controller.page

    @property
    def idle(self) -> IdleGuard:
        return self.controller.idle

    @property
    def services(self) -> Services:
        return self._services

    @property
    def sections(self) -> tuple[Section, ...]:
        return self._section_pages.sections

    @property
    def section_pages(self) -> list[SectionPage]:
        return self._section_pages.pages

    def current_index(self) -> int | None:
        return self.controller.section_index()

    # Content -----------------------------------------------------------------------------

    def set_content(self, content: ContentSet | None, *, in_slices: bool = False) -> None:
        """Show new content, staying on the same section if it still exists. ``in_slices``:
        while the kiosk is in use (the watcher's reload), the new pages are built a slice at
        a time behind the ones on screen (see ``section_swap``), so a patient's tap is never
        kept waiting. ``contentShown`` says when they are up."""
        self._content = content
        sections = content.sections(self.presentation.language) if content else ()
        if in_slices and sections and self._section_pages.sections:
            self._section_pages.replace_in_slices(sections)
        else:
            self._section_pages.replace_now(sections)

    def update_content(self, content: ContentSet | None) -> None:
        self.set_content(content, in_slices=True)

    def _show_sections(self) -> None:
        """New section pages are in place: bars, menus and the page on screen follow."""
        sections = self.sections
        self.nav.set_pages([s.title for s in sections])
        self.attract.set_sections(sections)
        log.info("showing %d sections", len(sections))
        self.controller.content_changed(tuple(s.slug for s in sections))
        self.contentShown.emit()

    # Navigation: the controller says what to draw (these are for start-up and tests) ----

    def show_attract(self) -> None:
        self.controller.show_start()

    def show_topics(self) -> None:
        self.controller.show_topics()

    def show_section(self, index: int) -> None:
        self.controller.show_number(index)

    def show_signup(self) -> None:
        self.controller.show_signup()

    def show_thanks(self) -> None:
        self.controller.go(THANKS)

    def show_staff(self) -> None:
        self.controller.show_staff()

    # Sign-up -----------------------------------------------------------------------------

    @property
    def form(self) -> SignupForm:
        return self._form_slot.form

    def reset_signup(self) -> None:
        self._form_slot.reset()


    # Idle --------------------------------------------------------------------------------

    def show_still_there(self) -> None:
        self.still_there.cover(self.rect(), self.idle.seconds_left)

    def _stay(self) -> None:
        self.still_there.hide()
        self.idle.start()

    def start_over(self) -> None:
        """Forget the last patient: start screen in the clinic's language, text size and
        colours, empty form, every page scrolled to the top."""
        self._hide_still_there_if_made()
        self._clear_staff_if_made("patient idle reset")
        self._services.stop_reading()
        self.controller.start_over(rebuilt=self._scroll_all_to_top)

    def _scroll_all_to_top(self) -> None:
        for page in self._section_pages.built():
            page.scroll_to_top()
        if self._pages.is_made("topics"):
            self.topics.scroll_to_top()

    # Drawing what the controller says -------------------------------------------------------

    def _draw(self, before: Page, page: Page) -> None:
        if before == STAFF and page != STAFF:
            self._clear_staff_if_made("left the panel")  # leaving the panel any way locks it
        self.stack.setCurrentWidget(self._widget_for(before, page))
        if self._typing.typing():
            self._typing.done()
        if page == ATTRACT:
            # Whoever comes next starts with an empty form, even if the last patient walked
            # away halfway (the idle reset covers the patient who just stops touching).
            self.reset_signup()
        elif page == THANKS:
            self.thanks.start_countdown(self.controller.thanks_timer.interval())
        self._hide_still_there_if_made()
        self._typing.place_header()
        self.header.show_navigation(page != THANKS)
        self.nav.setVisible(page.is_section)
        # Lay the page out at its final size now, not on the next turn of the event loop:
        # a tap that comes first would land where a button was a frame ago.
        self._layout.activate()
        self.header.close_options()
        self._show_title(page)
        self.pageShown.emit(page)

    def _widget_for(self, before: Page, page: Page) -> QWidget:
        """The page's widget, made ready to be shown."""
        index = self.current_index()
        if index is not None:
            section = self._section_pages.page(index)
            section.scroll_to_top()
            self.nav.set_current(index)
            return section
        if page == TOPICS:
            previous = section_index(before, self.controller.slugs)
            self.topics.mark_current(-1 if previous is None else previous)
            return self.topics
        if page == SIGNUP:
            self.controller.form_shown(self.form.consent_version)
            return self._form_slot.show()
        if page == ATTRACT:
            return self.attract
        if page == STAFF:
            self.staff.open()
        # Only the page asked for is built (see Pages), not every page named here.
        names = {UNAVAILABLE: "unavailable", NOT_READY: "not_ready", THANKS: "thanks",
                 STAFF: "staff"}
        return self._pages.get(names[page])

    def _show_title(self, page: Page) -> None:
        index = self.current_index()
        section = self.sections[index] if index is not None else None
        self.setWindowTitle(window_title(self._settings.clinic_name, page, section))
        self.setAccessibleName(spoken_title(self._settings.clinic_name, page, section,
                                            self.strings))

    # Window ------------------------------------------------------------------------------

    def show_kiosk(self) -> None:
        """Full screen over the whole screen, or a normal window for previews."""
        if self._settings.windowed:
            self.resize(1280, 800)
            self.show()
            return
        screen = self.screen()
        # With no window manager (Xvfb, cage) full screen needs the geometry set first.
        self.setGeometry(screen.geometry())
        self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Alt+F4 or a window manager's close button must not leave patients at a desktop;
        # windowed previews close normally, the kiosk only through the staff panel's Exit.
        if self._settings.windowed or self._may_close:
            super().closeEvent(event)
            return
        log.warning("refused a request to close the kiosk window")
        event.ignore()

    def allow_close(self) -> None:
        """The staff panel's Exit or the supervisor's stop: the window may close now."""
        self._may_close = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._pages.is_made("still_there"):
            self.still_there.setGeometry(self.rect())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None:
            for watcher in (self.swipe, self.activity):
                handle.removeEventFilter(watcher)
                handle.installEventFilter(watcher)

