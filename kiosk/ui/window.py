"""The kiosk window: header, the page stack (attract, sections, topics) and the nav bar.

It draws what the `SessionController` says: every way of moving (buttons, dots, swipes,
links, the topics menu) goes to the controller, which keeps the patient's session and its
rules (`kiosk.session`) and answers with ``pageChanged`` / ``presentationChanged``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QClipboard, QCloseEvent, QGuiApplication, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk.config import CHECK_MARK, Settings
from kiosk.content.model import ContentSet, Section
from kiosk.i18n import LANGUAGE_NAME
from kiosk.security import PinGuard
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
)
from kiosk.signups.entry import Signup
from kiosk.signups.service import SignupService
from kiosk.staff_session import StaffSession
from kiosk.ui.access_buttons import AccessButtons
from kiosk.ui.activity import ActivityWatcher
from kiosk.ui.attract_page import AttractPage
from kiosk.ui.header_bar import HeaderBar
from kiosk.ui.idle import IdleGuard, StillThere
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.long_press import LongPress
from kiosk.ui.message_page import MessagePage, ThanksPage
from kiosk.ui.nav_bar import NavBar
from kiosk.ui.section_page import URGENT_SLUG, SectionPage
from kiosk.ui.section_pages import SectionPages
from kiosk.ui.shell.controller import Saved, SessionController
from kiosk.ui.signup_page import SignupForm
from kiosk.ui.staff_panel import StaffPanel
from kiosk.ui.swipe import SwipeDetector
from kiosk.ui.theme import Metrics, document_css, presented_theme, style_sheet
from kiosk.ui.topics_page import TopicsPage

log = logging.getLogger(__name__)

# The pages, for those who import them from here.
__all__ = ["ATTRACT", "NOT_READY", "SIGNUP", "STAFF", "THANKS", "TOPICS", "UNAVAILABLE",
           "KioskWindow", "Services"]


@dataclass
class Services:
    """What the window needs besides content, made in ``app.run``."""

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


class KioskWindow(QWidget):
    # The page now on screen (a kiosk.session.Page), once it is drawn.
    pageShown = Signal(object)
    # The pages were built anew in another language, text size or contrast.
    presentationChanged = Signal()

    exitRequested = Signal()
    # New content's pages are on screen (after set_content, or update_content's last slice).
    contentShown = Signal()

    def __init__(self, settings: Settings, translations: Mapping[str, Mapping[str, str]],
                 content: ContentSet | None, services: Services,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KioskWindow")
        self._settings = settings
        self._services = services
        # Interface strings per language, in the order the language button steps through.
        self._translations = translations
        self._languages = tuple(lang for lang in settings.languages if lang in translations)
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
        self.controller = SessionController(settings, services.signups, self)
        self.controller.pageChanged.connect(self._draw)
        self.controller.presentationChanged.connect(self._rebuild)
        # The hidden way in for staff: press and hold the clinic's logo.
        self.staff_gesture = LongPress(settings.staff_hold_ms, self)
        self.staff_gesture.triggered.connect(self.show_staff)
        self.swipe = SwipeDetector(parent=self)
        self.swipe.swiped.connect(self.controller.swipe)
        self.activity = ActivityWatcher(self)
        self.activity.activity.connect(lambda: self.staff.note_activity())
        self.activity.activity.connect(self.idle.note_activity)
        self.idle.warned.connect(self.show_still_there)
        self.idle.expired.connect(self.start_over)

        self._build_pages()
        self.set_content(content)

    def _build_pages(self) -> None:
        """Make every page and bar for the current language, text size and contrast."""
        settings = self._settings
        presentation = self.presentation
        strings = self._translations[presentation.language]
        theme = presented_theme(settings.theme, high_contrast=presentation.high_contrast)
        self._strings = strings
        self._metrics = Metrics.for_theme(theme, presentation.text_percent)
        self._css = document_css(theme, self._metrics)
        self.setStyleSheet(style_sheet(theme, self._metrics, CHECK_MARK.as_posix()))

        self._theme = theme
        self.header = HeaderBar(settings.clinic_name, settings.logo, strings, self._metrics,
                                self._access_buttons(header=True))
        self.nav = NavBar(strings, theme, self._metrics)
        self.stack = QStackedWidget()
        # The stack would otherwise demand the tallest page's minimum height even while the
        # keyboard is open, and push the window past the screen.
        self.stack.setMinimumSize(1, 1)
        cycle_ms = 0 if settings.reduced_motion else settings.attract_cycle_ms
        self.attract = AttractPage(settings.clinic_name, settings.logo, strings, self._metrics,
                                   cycle_ms, self._access_buttons(), urgent_colour=theme.error)
        self.topics = TopicsPage(strings, self._metrics, urgent_colour=theme.error)
        self.unavailable = MessagePage(self._metrics, strings["unavailable_body"],
                                       title=strings["unavailable_title"])
        self.keyboard = OnScreenKeyboard(strings, presentation.language)
        self.keyboard.hide()
        self.keyboard.doneTapped.connect(self._keyboard_done)
        self.form = self._new_form()
        self.thanks = ThanksPage(self._metrics, strings)
        self.thanks.buttonTapped.connect(self.show_attract)
        # Until the clinic has set up its keys the form is never shown: no plaintext fallback.
        self.not_ready = MessagePage(self._metrics, strings["signup_not_ready"],
                                     button=f"‹  {strings['signup_back']}", primary=False)
        self.not_ready.buttonTapped.connect(self.go_back)
        if self.not_ready.button is not None:
            # Screen readers say the word, not the arrow drawn before it.
            self.not_ready.button.setAccessibleName(strings["signup_back"])
        services = self._services
        # The staff panel is for the front desk: normal text whatever the patient chose.
        staff_metrics = Metrics.for_theme(theme)
        self.staff = StaffPanel(strings, staff_metrics, services.staff, settings.exports,
                                settings.retention_days, services.content_status,
                                settings.staff_idle_ms, phone_region=settings.phone_region)
        self.staff.setStyleSheet(style_sheet(theme, staff_metrics, CHECK_MARK.as_posix()))
        self.staff.closed.connect(self.show_attract)
        self.staff.exitRequested.connect(self.exitRequested)
        self.staff.fieldFocused.connect(self._attach_keyboard)
        for page in (self.attract, self.topics, self.unavailable, self.form, self.thanks,
                     self.not_ready, self.staff):
            self.stack.addWidget(page)
        self._section_pages = SectionPages(self.stack, self.topics, self._new_section_page,
                                           self)
        self._section_pages.replaced.connect(self._show_sections)
        for widget in (self.header, self.stack, self.nav, self.keyboard):
            self._layout.addWidget(widget, 1 if widget is self.stack else 0)
        self.still_there = StillThere(strings, self._metrics, self)
        self.still_there.stayTapped.connect(self._stay)
        self.still_there.hide()

        self.staff_gesture.watch(self.header.logo)
        self.staff_gesture.watch(self.attract.logo)
        controller = self.controller
        self.attract.started.connect(controller.start_from_attract)
        self.attract.urgentTapped.connect(lambda: controller.show_slug(URGENT_SLUG))
        self.header.homeTapped.connect(self.show_attract)
        self.header.topicsTapped.connect(self.show_topics)
        self.nav.backTapped.connect(self.go_back)
        self.nav.nextTapped.connect(self.go_next)
        self.nav.pageTapped.connect(self.show_section)
        self.topics.topicTapped.connect(self.show_section)

    def _access_buttons(self, *, header: bool = False) -> AccessButtons:
        presentation = self.presentation
        other = None
        if len(self._languages) > 1:
            language = presentation.next_language(self._languages)
            other = self._translations[language][LANGUAGE_NAME]
        m = self._metrics
        access = AccessButtons(self._strings, presentation, other,
                               (self._theme.primary, self._theme.on_primary),
                               round((m.chrome_px if header else m.button_px) * 0.9), self)
        access.languageTapped.connect(
            lambda: self.present(self.presentation.with_next_language(self._languages)))
        access.textSizeTapped.connect(
            lambda: self.present(self.presentation.with_next_text_size()))
        access.contrastTapped.connect(
            lambda: self.present(self.presentation.with_contrast_toggled()))
        return access

    # Language, text size, contrast --------------------------------------------------------

    @property
    def presentation(self) -> Presentation:
        return self.controller.presentation

    @property
    def strings(self) -> Mapping[str, str]:
        return self._strings

    def present(self, presentation: Presentation) -> None:
        """Rebuild every page in ``presentation``, on the equivalent page, keeping the form.

        Pages are built anew rather than retranslated in place: sizes, pictures and layouts
        all follow the text size, and one path serves language, size and contrast alike.
        """
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
        if self.keyboard.isVisible():
            self._keyboard_done()
        self._section_pages.cancel()
        self._section_pages.deleteLater()
        old = [self.header, self.stack, self.nav, self.keyboard, self.still_there]
        for widget in old:
            self._layout.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self._build_pages()
        # The new stack shows the attract page until the content puts the patient back.
        self.set_content(self._content)

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
        return list(self._section_pages.pages)

    def current_index(self) -> int | None:
        return self.controller.section_index()

    # Content -----------------------------------------------------------------------------

    def set_content(self, content: ContentSet | None) -> None:
        """Show new content at once, staying on the same section if it still exists."""
        self._content = content
        self._section_pages.replace_now(self._sections_of(content))

    def update_content(self, content: ContentSet | None) -> None:
        """New content while the kiosk is in use (the watcher's reload): the new pages are
        built in slices behind the ones on screen (see ``section_pages``), so a patient's tap
        is never kept waiting. ``contentShown`` says when they are up."""
        self._content = content
        sections = self._sections_of(content)
        if sections and self._section_pages.pages:
            self._section_pages.replace_in_slices(sections)
        else:
            self._section_pages.replace_now(sections)

    def _sections_of(self, content: ContentSet | None) -> tuple[Section, ...]:
        return content.sections(self.presentation.language) if content else ()

    def _new_section_page(self, section: Section) -> SectionPage:
        page = SectionPage(section, self._css, self._metrics,
                           landscape=self.width() >= self.height())
        page.linkTapped.connect(self.follow_link)
        return page

    def _show_sections(self) -> None:
        """New section pages are in place: bars, menus and the page on screen follow."""
        sections = self.sections
        self.nav.set_pages([s.title for s in sections])
        self.attract.set_sections(sections)
        log.info("showing %d sections", len(sections))
        self.controller.content_changed(tuple(s.slug for s in sections))
        self.contentShown.emit()

    # Navigation (each goes to the controller, which says what to draw) -------------------

    def show_attract(self) -> None:
        self.controller.show_start()

    def show_topics(self) -> None:
        self.controller.show_topics()

    def show_section(self, index: int) -> None:
        if not 0 <= index < len(self._section_pages.pages):
            log.warning("no section number %d", index)
            return
        self.controller.go(Page.section(self.sections[index].slug))

    def show_slug(self, slug: str) -> None:
        self.controller.show_slug(slug)

    def go_next(self) -> None:
        self.controller.go_next()

    def go_back(self) -> None:
        self.controller.go_back()

    def show_signup(self) -> None:
        self.controller.show_signup()

    def show_thanks(self) -> None:
        """Thank the patient, then go back to the start after ``thank_you_ms``."""
        self.controller.go(THANKS)

    def show_staff(self) -> None:
        self.controller.show_staff()

    def follow_link(self, target: str) -> None:
        self.controller.follow_link(target)

    # Sign-up -----------------------------------------------------------------------------

    def reset_signup(self) -> None:
        """A new, empty form: the old one is destroyed with everything typed and its undo.

        A form that was never on screen and never had anything put in it has nothing to
        forget and is kept (every return to the start screen would otherwise build one for
        nothing).
        """
        if self._form_shown or self.form.touched:
            old = self.form
            self.form = self._new_form()
            self.stack.insertWidget(self.stack.indexOf(old), self.form)
            self.stack.removeWidget(old)
            old.deleteLater()
        clipboard = QGuiApplication.clipboard()
        clipboard.clear()
        if clipboard.supportsSelection():
            # X11 also keeps the last selected text for middle-click paste.
            clipboard.clear(QClipboard.Mode.Selection)

    def _new_form(self) -> SignupForm:
        self._form_shown = False
        form = SignupForm(self._strings, self._metrics, self._settings.phone_region,
                          self._settings.retention_days, self.presentation.language)
        form.submitted.connect(self._save_signup)
        form.backTapped.connect(self.go_back)
        form.fieldFocused.connect(self._attach_keyboard)
        return form

    def _save_signup(self, signup: object) -> None:
        assert isinstance(signup, Signup)
        saved = self.controller.submit(signup)
        if saved is Saved.FAILED:
            # The patient keeps what they typed.
            self.form.show_failure(self._strings["signup_failed"])
        elif saved is Saved.SAVED:
            self.reset_signup()
            self.controller.go(THANKS)

    def _attach_keyboard(self, target: QWidget | None, layout: str) -> None:
        self.keyboard.attach(target, layout)
        self._place_header()

    def _keyboard_done(self) -> None:
        focused = self.focusWidget()
        if focused is not None:
            focused.clearFocus()
        self.keyboard.attach(None, "")
        self._place_header()

    def _place_header(self) -> None:
        """The header shows on patient pages; at larger text it makes way for the keyboard,
        which with the field above it would not fit a landscape screen otherwise (the form
        keeps Back, and the keyboard its Done)."""
        typing_large = self.keyboard.isVisibleTo(self) and self.presentation.text_percent > 100
        self.header.setVisible(self.current_page.has_header and not typing_large)

    # Idle --------------------------------------------------------------------------------

    def show_still_there(self) -> None:
        self.still_there.show_seconds(self.idle.seconds_left)
        self.still_there.setGeometry(self.rect())
        self.still_there.show()
        self.still_there.raise_()

    def _stay(self) -> None:
        self.still_there.hide()
        self.idle.start()

    def start_over(self) -> None:
        """Forget the last patient: start screen in the clinic's language, text size and
        colours, empty form, every page scrolled to the top."""
        self.still_there.hide()
        self.staff.clear("patient idle reset")
        self.controller.start_over(rebuilt=self._scroll_all_to_top)

    def _scroll_all_to_top(self) -> None:
        for page in self._section_pages.pages:
            page.scroll_to_top()
        self.topics.scroll_to_top()

    # Drawing what the controller says -------------------------------------------------------

    def _draw(self, before: Page, page: Page) -> None:
        if before == STAFF and page != STAFF:
            self.staff.clear("left the panel")  # leaving the panel any way locks it
        self.stack.setCurrentWidget(self._widget_for(before, page))
        if self.keyboard.isVisible():
            self._keyboard_done()
        if page == ATTRACT:
            # Whoever comes next starts with an empty form, even if the last patient walked
            # away halfway (the idle reset covers the patient who just stops touching).
            self.reset_signup()
        elif page == THANKS:
            self.thanks.start_countdown(self.controller.thanks_timer.interval())
        self.still_there.hide()
        self._place_header()
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
            section = self._section_pages.pages[index]
            section.scroll_to_top()
            self.nav.set_current(index)
            return section
        if page == TOPICS:
            previous = self._slug_index(before)
            self.topics.mark_current(-1 if previous is None else previous)
            return self.topics
        if page == SIGNUP:
            self._form_shown = True
            self.controller.form_shown(self.form.consent_version)
            return self.form
        if page == STAFF:
            self.staff.open()
        widgets: dict[Page, QWidget] = {
            ATTRACT: self.attract, UNAVAILABLE: self.unavailable, NOT_READY: self.not_ready,
            THANKS: self.thanks, STAFF: self.staff}
        return widgets[page]

    def _slug_index(self, page: Page) -> int | None:
        slugs = [s.slug for s in self.sections]
        return slugs.index(page.slug) if page.is_section and page.slug in slugs else None

    def _show_title(self, page: Page) -> None:
        index = self.current_index()
        title = self.sections[index].title if index is not None else str(page)
        self.setWindowTitle(f"{self._settings.clinic_name} - {title}")
        # What a screen reader announces for the window: the page's own title in the
        # patient's language (the window title above keeps the page's id for e2e tests).
        self.setAccessibleName(self._page_title(page, index))

    def _page_title(self, page: Page, index: int | None) -> str:
        if index is not None:
            return self.sections[index].title
        keys = {ATTRACT: "attract_title", TOPICS: "topics_title", SIGNUP: "signup_title",
                THANKS: "thanks_title", NOT_READY: "signup_title",
                UNAVAILABLE: "unavailable_title", STAFF: "staff_pin_title"}
        return self._strings[keys[page]] if page in keys else self._settings.clinic_name

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
        self.still_there.setGeometry(self.rect())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None:
            for watcher in (self.swipe, self.activity):
                handle.removeEventFilter(watcher)
                handle.installEventFilter(watcher)
