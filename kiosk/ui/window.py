"""The kiosk window: header, the page stack (attract, sections, topics) and the nav bar.

Navigation lives here so every way of moving (buttons, dots, swipes, links, the topics menu)
goes through the same few methods and the same checks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QClipboard, QCloseEvent, QGuiApplication, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk.config import CHECK_MARK, Settings
from kiosk.content.markdown_body import SECTION_SCHEME, SIGNUP_TARGET
from kiosk.content.model import ContentSet, Section
from kiosk.i18n import LANGUAGE_NAME
from kiosk.security import PinGuard
from kiosk.signups.entry import Signup
from kiosk.signups.service import SignupService
from kiosk.signups.store import StoreUnavailable
from kiosk.speech import paragraphs
from kiosk.take_home import contact_card, section_address
from kiosk.ui.access_buttons import AccessButtons, Presentation
from kiosk.ui.activity import ActivityWatcher
from kiosk.ui.attract_page import AttractPage
from kiosk.ui.header_bar import HeaderBar
from kiosk.ui.idle import IdleGuard, StillThere
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.listen_button import ListenButton, Speaker
from kiosk.ui.long_press import LongPress
from kiosk.ui.message_page import MessagePage, ThanksPage
from kiosk.ui.nav_bar import NavBar
from kiosk.ui.qr_code import QrCode
from kiosk.ui.section_page import URGENT_SLUG, SectionPage
from kiosk.ui.section_pages import SectionPages
from kiosk.ui.signup_page import SignupForm
from kiosk.ui.staff_panel import StaffPanel
from kiosk.ui.swipe import SwipeDetector
from kiosk.ui.theme import Metrics, document_css, presented_theme, style_sheet
from kiosk.ui.topics_page import TopicsPage

log = logging.getLogger(__name__)

ATTRACT = "attract"
TOPICS = "topics"
UNAVAILABLE = "unavailable"
SIGNUP = "signup"
THANKS = "thanks"
NOT_READY = "signup-not-ready"
STAFF = "staff"


@dataclass
class Services:
    """What the window needs besides content, made in ``app.run``."""

    # None when the sign-up database cannot be opened (read-only or full disk): the form
    # then sends patients to the front desk, and the reason is in the log.
    signups: SignupService | None
    pin: PinGuard
    # Problems with the live content folder, as 'file:line: message', for the staff panel.
    content_status: Callable[[], list[str]] = field(default=lambda: [])
    # Reads pages aloud; None when the kiosk has no engine or no sound (app.py logs why).
    speaker: Speaker | None = None


class KioskWindow(QWidget):
    # "attract", "topics", "unavailable" or "section:<slug>".
    pageShown = Signal(str)
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
        self._presentation = Presentation.default(settings)
        self._content = content
        self._current = ATTRACT
        self._may_close = False
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        if not settings.windowed:
            # Before any child exists: later, changing the flags re-parents the window and
            # restyles every page (25 ms at start-up).
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)

        # What outlives a change of language or text size: timers, gestures, watchers.
        self._thanks_timer = QTimer(self)
        self._thanks_timer.setSingleShot(True)
        self._thanks_timer.setInterval(settings.thank_you_ms)
        self._thanks_timer.timeout.connect(self.show_attract)
        # The hidden way in for staff: press and hold the clinic's logo.
        self.staff_gesture = LongPress(settings.staff_hold_ms, self)
        self.staff_gesture.triggered.connect(self.show_staff)
        self.swipe = SwipeDetector(parent=self)
        self.swipe.swiped.connect(self._on_swipe)
        self.activity = ActivityWatcher(self)
        self.activity.activity.connect(lambda: self.staff.note_activity())
        self.idle = IdleGuard(settings.idle_ms, settings.idle_countdown_ms, self)
        self.activity.activity.connect(self.idle.note_activity)
        self.idle.warned.connect(self.show_still_there)
        self.idle.expired.connect(self.start_over)

        self._build_pages()
        self.set_content(content)

    def _build_pages(self) -> None:
        """Make every page and bar for the current language, text size and contrast."""
        settings = self._settings
        presentation = self._presentation
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
        card = contact_card(settings.clinic_name, settings.take_home)
        if card is not None:
            self.thanks.add_take_home(QrCode(card, strings["take_home_card"],
                                             strings["take_home_card_name"]))
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
        self.staff = StaffPanel(strings, staff_metrics, services.pin, services.signups,
                                settings.exports, settings.retention_days,
                                services.content_status, settings.staff_idle_ms,
                                phone_region=settings.phone_region)
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
        self.attract.started.connect(self._start_from_attract)
        self.attract.urgentTapped.connect(lambda: self.show_slug(URGENT_SLUG))
        self.header.homeTapped.connect(self.show_attract)
        self.header.topicsTapped.connect(self.show_topics)
        self.nav.backTapped.connect(self.go_back)
        self.nav.nextTapped.connect(self.go_next)
        self.nav.pageTapped.connect(self.show_section)
        self.topics.topicTapped.connect(self.show_section)

    def _access_buttons(self, *, header: bool = False) -> AccessButtons:
        presentation = self._presentation
        other = None
        if len(self._languages) > 1:
            language = presentation.next_language(self._languages)
            other = self._translations[language][LANGUAGE_NAME]
        m = self._metrics
        access = AccessButtons(self._strings, presentation, other,
                               (self._theme.primary, self._theme.on_primary),
                               round((m.chrome_px if header else m.button_px) * 0.9), self)
        access.languageTapped.connect(
            lambda: self.present(self._presentation.with_next_language(self._languages)))
        access.textSizeTapped.connect(
            lambda: self.present(self._presentation.with_next_text_size()))
        access.contrastTapped.connect(
            lambda: self.present(self._presentation.with_contrast_toggled()))
        return access

    # Language, text size, contrast --------------------------------------------------------

    @property
    def presentation(self) -> Presentation:
        return self._presentation

    @property
    def strings(self) -> Mapping[str, str]:
        return self._strings

    def present(self, presentation: Presentation) -> None:
        """Rebuild every page in ``presentation``, on the equivalent page, keeping the form.

        Pages are built anew rather than retranslated in place: sizes, pictures and layouts
        all follow the text size, and one path serves language, size and contrast alike.
        """
        if presentation == self._presentation:
            return
        previous = self._current
        typed = self.form.values() if previous == SIGNUP else None
        # The field being typed in keeps the focus, and so the keyboard stays open.
        typing_in = self.form.focused_field() if previous == SIGNUP else None
        self._presentation = presentation
        if self._services.speaker is not None:
            self._services.speaker.stop()
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
        # The new stack shows the attract page until set_content puts the patient back.
        self._current = previous
        self.set_content(self._content)
        if previous in (SIGNUP, NOT_READY):
            self.show_signup()
            if typed is not None and self._current == SIGNUP:
                # What the patient typed stays; the consent tick does not, because they
                # agreed to the text in the other language (its version is stored).
                self.form.fill(typed)
                if typing_in is not None:
                    self.form.focus_field(typing_in)
        elif previous == THANKS:
            self.show_thanks()
        log.info("presentation: %s, %d%% text, high contrast %s", presentation.language,
                 presentation.text_percent, presentation.high_contrast)
        self.presentationChanged.emit()

    # What is on screen -------------------------------------------------------------------

    @property
    def current_page(self) -> str:
        return self._current

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
        if not self._current.startswith(SECTION_SCHEME):
            return None
        slug = self._current[len(SECTION_SCHEME):]
        return next((i for i, s in enumerate(self.sections) if s.slug == slug), None)

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
        return content.sections(self._presentation.language) if content else ()

    def _new_section_page(self, section: Section) -> SectionPage:
        page = SectionPage(section, self._css, self._metrics,
                           landscape=self.width() >= self.height())
        page.linkTapped.connect(self.follow_link)
        if self._services.speaker is not None:
            page.add_listen(ListenButton(self._services.speaker, self._strings, section.language,
                                         paragraphs(section.title, section.html), page.text,
                                         (self._theme.background, self._theme.text)))
        address = section_address(section, self._settings.take_home)
        if address is not None:
            page.add_take_home(QrCode(address, self._strings["take_home_page"],
                                      self._strings["take_home_page_name"]))
        return page

    def _show_sections(self) -> None:
        """New section pages are in place: bars, menus and the page on screen follow."""
        previous = self._current
        sections = self.sections
        self.nav.set_pages([s.title for s in sections])
        self.attract.set_sections(sections)
        log.info("showing %d sections", len(sections))
        if not sections:
            self._show(UNAVAILABLE, self.unavailable)
        elif previous in (SIGNUP, THANKS, NOT_READY, STAFF):
            # A patient filling in the form, or staff in the panel, stay where they are.
            pass
        elif previous.startswith(SECTION_SCHEME) and previous[len(SECTION_SCHEME):] in {
            s.slug for s in sections
        }:
            self.show_slug(previous[len(SECTION_SCHEME):])
        elif previous == TOPICS:
            self.show_topics()
        else:
            self.show_attract()
        self.contentShown.emit()

    # Navigation --------------------------------------------------------------------------

    def show_attract(self) -> None:
        if not self.sections:
            self._show(UNAVAILABLE, self.unavailable)
            return
        self._show(ATTRACT, self.attract)

    def show_topics(self) -> None:
        if not self.sections:
            return
        index = self.current_index()
        self.topics.mark_current(-1 if index is None else index)
        self._show(TOPICS, self.topics)

    def show_section(self, index: int) -> None:
        if not 0 <= index < len(self._section_pages.pages):
            log.warning("no section number %d", index)
            return
        page = self._section_pages.pages[index]
        page.scroll_to_top()
        self.nav.set_current(index)
        self._show(SECTION_SCHEME + self.sections[index].slug, page)

    def _start_from_attract(self) -> None:
        # The release that ends the staff long press must not also start the tour.
        if self._current == ATTRACT:
            self.show_section(0)

    def show_slug(self, slug: str) -> None:
        index = next((i for i, s in enumerate(self.sections) if s.slug == slug), None)
        if index is not None:
            self.show_section(index)

    def go_next(self) -> None:
        index = self.current_index()
        if index is None:
            self.show_section(0)
        elif index + 1 < len(self.sections):
            self.show_section(index + 1)
        else:
            self.show_signup()

    def go_back(self) -> None:
        index = self.current_index()
        if self._current in (SIGNUP, NOT_READY) and self.sections:
            self.show_section(len(self.sections) - 1)
        elif index is None or index == 0:
            self.show_attract()
        else:
            self.show_section(index - 1)

    # Sign-up -----------------------------------------------------------------------------

    def show_signup(self) -> None:
        if self._services.signups is None or not self._services.signups.ready():
            self._show(NOT_READY, self.not_ready)
            return
        self._show(SIGNUP, self.form)

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
                          self._settings.retention_days, self._presentation.language)
        form.submitted.connect(self._save_signup)
        form.backTapped.connect(self.go_back)
        form.fieldFocused.connect(self._attach_keyboard)
        return form

    def _save_signup(self, signup: object) -> None:
        assert isinstance(signup, Signup)
        if self._services.signups is None:
            self._show(NOT_READY, self.not_ready)
            return
        try:
            self._services.signups.submit(signup)
        except StoreUnavailable:
            # Logged by the store without patient data; the patient keeps what they typed.
            self.form.show_failure(self._strings["signup_failed"])
            return
        self.reset_signup()
        self.show_thanks()

    def show_thanks(self) -> None:
        """Thank the patient, then go back to the start after ``thank_you_ms``."""
        self._show(THANKS, self.thanks)
        self._thanks_timer.start()
        self.thanks.start_countdown(self._thanks_timer.interval())

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
        page_has_header = self._current not in (ATTRACT, UNAVAILABLE, STAFF)
        typing_large = self.keyboard.isVisibleTo(self) and self._presentation.text_percent > 100
        self.header.setVisible(page_has_header and not typing_large)

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
        if self._services.speaker is not None:
            self._services.speaker.stop()
        self.staff.clear()
        self._current = ATTRACT
        self.present(Presentation.default(self._settings))
        for page in self._section_pages.pages:
            page.scroll_to_top()
        self.topics.scroll_to_top()
        self.show_attract()
        log.info("idle: started over")

    # Staff -------------------------------------------------------------------------------

    def show_staff(self) -> None:
        self.staff.open()
        self._show(STAFF, self.staff)

    def follow_link(self, target: str) -> None:
        """Only section and sign-up links go anywhere; anything else is ignored (and logged)."""
        if target.startswith(SECTION_SCHEME):
            self.show_slug(target[len(SECTION_SCHEME):])
        elif target == SIGNUP_TARGET:
            self.show_signup()
        else:
            log.warning("ignored a link that would leave the kiosk")

    def _on_swipe(self, direction: int) -> None:
        if not self._current.startswith(SECTION_SCHEME):
            return
        if direction > 0:
            if (self.current_index() or 0) + 1 < len(self.sections):
                self.go_next()
        else:
            self.go_back()

    def _show(self, name: str, page: QWidget) -> None:
        if self._current == STAFF and name != STAFF:
            self.staff.clear()  # leaving the panel any way locks it
        self._current = name
        self.stack.setCurrentWidget(page)
        if page is self.form:
            self._form_shown = True
        if self.keyboard.isVisible():
            self._keyboard_done()
        if name != THANKS:
            self._thanks_timer.stop()
        if name == ATTRACT:
            # Whoever comes next starts with an empty form, even if the last patient walked
            # away halfway (the idle reset covers the patient who just stops touching).
            self.reset_signup()
        self.still_there.hide()
        if name in (ATTRACT, UNAVAILABLE):
            self.idle.stop()
        else:
            self.idle.set_idle_ms(self._settings.idle_form_ms if name == SIGNUP
                                  else self._settings.idle_ms)
            self.idle.start()
        on_section = name.startswith(SECTION_SCHEME)
        self._place_header()
        self.header.show_navigation(name != THANKS)
        self.nav.setVisible(on_section)
        # Lay the page out at its final size now, not on the next turn of the event loop:
        # a tap that comes first would land where a button was a frame ago.
        self._layout.activate()
        self.header.close_options()
        index = self.current_index()
        title = self.sections[index].title if index is not None else name
        self.setWindowTitle(f"{self._settings.clinic_name} - {title}")
        # What a screen reader announces for the window: the page's own title in the
        # patient's language (the window title above keeps the page's id for e2e tests).
        self.setAccessibleName(self._page_title(name, index))
        log.info("page %s", name)
        self.pageShown.emit(name)

    def _page_title(self, name: str, index: int | None) -> str:
        if index is not None:
            return self.sections[index].title
        keys = {ATTRACT: "attract_title", TOPICS: "topics_title", SIGNUP: "signup_title",
                THANKS: "thanks_title", NOT_READY: "signup_title",
                UNAVAILABLE: "unavailable_title", STAFF: "staff_pin_title"}
        return self._strings[keys[name]] if name in keys else self._settings.clinic_name

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
