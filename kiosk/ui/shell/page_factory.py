"""Every page and bar for one presentation (language, text size, contrast), already wired.

A change of presentation builds a new `Pages` and swaps it in whole: nothing reaches into
rebuilt widgets afterwards. The buttons that move go straight to the `SessionController`;
what only the window does (the keyboard, the "Still there?" notice, saving the form) the
window connects itself, in the ``made`` hook each page passes through when it is built.
The start screen and the bars are built at once; every other page when first asked for
(see `Pages`), which is what lets the start screen paint before the rest exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QStackedWidget, QWidget

from kiosk.config import CHECK_MARK, Settings, Theme
from kiosk.content.model import URGENT_SLUG, Section
from kiosk.i18n import LANGUAGE_NAME
from kiosk.session import Presentation
from kiosk.speech import paragraphs
from kiosk.take_home import contact_card, section_address
from kiosk.ui.input.long_press import LongPress
from kiosk.ui.pages.attract import AttractPage
from kiosk.ui.shell.controller import SessionController
from kiosk.ui.shell.idle import StillThere
from kiosk.ui.shell.pages import Pages
from kiosk.ui.shell.services import Services
from kiosk.ui.widgets.access_buttons import AccessButtons
from kiosk.ui.widgets.header_bar import HeaderBar
from kiosk.ui.widgets.nav_bar import NavBar
from kiosk.ui.widgets.theme import Metrics, document_css, presented_theme, style_sheet

if TYPE_CHECKING:
    from kiosk.ui.pages.message import MessagePage, ThanksPage
    from kiosk.ui.pages.section import SectionPage
    from kiosk.ui.pages.signup.form import SignupForm
    from kiosk.ui.pages.staff.panel import StaffPanel
    from kiosk.ui.pages.topics import TopicsPage
    from kiosk.ui.widgets.keyboard import OnScreenKeyboard


class PageFactory:
    def __init__(self, settings: Settings, translations: Mapping[str, Mapping[str, str]],
                 services: Services, controller: SessionController,
                 staff_gesture: LongPress, owner: QWidget,
                 present: Callable[[Presentation], None]) -> None:
        """``owner``: the window, parent of the notice and the access buttons' signals.
        ``present``: what the access buttons call (the window's, which keeps the form)."""
        self._settings = settings
        self._translations = translations
        # The languages there are strings for, in the order the language button steps.
        self.languages = tuple(lang for lang in settings.languages if lang in translations)
        self._services = services
        self._controller = controller
        self._staff_gesture = staff_gesture
        self._owner = owner
        self._present = present

    def build(self, presentation: Presentation, made: Callable[[str, QWidget], None]) -> Pages:
        """The start screen and the bars now, the other pages when first asked for; each
        page passes through ``made`` (name, widget) as it is built, for the window to wire."""
        settings = self._settings
        controller = self._controller
        strings = self._translations[presentation.language]
        theme = presented_theme(settings.theme, high_contrast=presentation.high_contrast)
        metrics = Metrics.for_theme(theme, presentation.text_percent)

        def access(header: bool) -> AccessButtons:
            return self._access_buttons(presentation, strings, theme, metrics, header=header)

        header = HeaderBar(settings.clinic_name, settings.logo, strings, metrics, access(True))
        stack = QStackedWidget()
        # The stack would otherwise demand the tallest page's minimum height even while the
        # keyboard is open, and push the window past the screen.
        stack.setMinimumSize(1, 1)
        cycle_ms = 0 if settings.reduced_motion else settings.attract_cycle_ms
        attract = AttractPage(settings.clinic_name, settings.logo, strings, metrics, cycle_ms,
                              access(False), urgent_colour=theme.error)
        stack.addWidget(attract)
        nav = NavBar(strings, theme, metrics)
        pages = Pages(strings, theme, metrics, document_css(theme, metrics),
                      style_sheet(theme, metrics, CHECK_MARK.as_posix()), header, nav, stack,
                      attract, made)

        def page(name: str, make: Callable[[], QWidget]) -> None:
            def make_in_stack() -> QWidget:
                widget = make()
                stack.addWidget(widget)
                return widget

            pages.later(name, make_in_stack)

        page("topics", lambda: self._topics(pages))
        page("unavailable", lambda: self._unavailable(pages))
        page("thanks", lambda: self._thanks(pages))
        page("not_ready", lambda: self._not_ready(pages))
        page("staff", lambda: self._staff(pages))
        pages.later("keyboard", lambda: self._keyboard(presentation, strings))
        pages.later("still_there", lambda: self._still_there(pages))
        self._staff_gesture.watch(header.logo)
        self._staff_gesture.watch(attract.logo)
        attract.started.connect(controller.start_from_attract)
        attract.urgentTapped.connect(lambda: controller.show_slug(URGENT_SLUG))
        header.homeTapped.connect(controller.show_start)
        header.topicsTapped.connect(controller.show_topics)
        nav.backTapped.connect(controller.go_back)
        nav.nextTapped.connect(controller.go_next)
        nav.pageTapped.connect(controller.show_number)
        return pages

    # Each page's module is imported when the page is first built, not before the start
    # screen is painted.

    def _topics(self, pages: Pages) -> TopicsPage:
        from kiosk.ui.pages.topics import TopicsPage

        topics = TopicsPage(pages.strings, pages.metrics, urgent_colour=pages.theme.error)
        topics.topicTapped.connect(self._controller.show_number)
        return topics

    def _unavailable(self, pages: Pages) -> MessagePage:
        from kiosk.ui.pages.message import MessagePage

        return MessagePage(pages.metrics, pages.strings["unavailable_body"],
                           title=pages.strings["unavailable_title"])

    def _thanks(self, pages: Pages) -> ThanksPage:
        from kiosk.ui.pages.message import ThanksPage
        from kiosk.ui.widgets.qr_code import QrCode

        strings = pages.strings
        thanks = ThanksPage(pages.metrics, strings)
        thanks.buttonTapped.connect(self._controller.show_start)
        card = contact_card(self._settings.clinic_name, self._settings.take_home)
        if card is not None:
            thanks.add_take_home(QrCode(card, strings["take_home_card"],
                                        strings["take_home_card_name"]))
        return thanks

    def _not_ready(self, pages: Pages) -> MessagePage:
        from kiosk.ui.pages.message import MessagePage

        strings = pages.strings
        # Until the clinic has set up its keys the form is never shown: no plaintext fallback.
        not_ready = MessagePage(pages.metrics, strings["signup_not_ready"],
                                button=f"‹  {strings['signup_back']}", primary=False)
        not_ready.buttonTapped.connect(self._controller.go_back)
        if not_ready.button is not None:
            # Screen readers say the word, not the arrow drawn before it.
            not_ready.button.setAccessibleName(strings["signup_back"])
        return not_ready

    def _staff(self, pages: Pages) -> StaffPanel:
        # The panel and the sign-up stack behind it (argon2, PyNaCl, Babel) are imported
        # the first time the panel is built, not before the start screen.
        from kiosk.ui.pages.staff.panel import StaffPanel

        settings = self._settings
        # The staff panel is for the front desk: normal text whatever the patient chose.
        staff_metrics = Metrics.for_theme(pages.theme)
        staff = StaffPanel(pages.strings, staff_metrics, self._services.staff, settings.exports,
                           settings.retention_days, self._services.content_status,
                           settings.staff_idle_ms, phone_region=settings.phone_region,
                           pages=self._services.pages, find_stick=self._services.find_stick)
        if staff.pages is not None:
            staff.pages.shown.connect(self._services.pages_shown)
        staff.setStyleSheet(style_sheet(pages.theme, staff_metrics, CHECK_MARK.as_posix()))
        staff.closed.connect(self._controller.show_start)
        return staff

    @staticmethod
    def _keyboard(presentation: Presentation, strings: Mapping[str, str]) -> OnScreenKeyboard:
        from kiosk.ui.widgets.keyboard import OnScreenKeyboard

        keyboard = OnScreenKeyboard(strings, presentation.language)
        keyboard.hide()
        return keyboard

    def _still_there(self, pages: Pages) -> StillThere:
        still_there = StillThere(pages.strings, pages.metrics, self._owner)
        still_there.hide()
        return still_there

    def new_form(self, pages: Pages, presentation: Presentation) -> SignupForm:
        from kiosk.ui.pages.signup.form import SignupForm  # with the first form, not at start

        form = SignupForm(pages.strings, pages.metrics, self._settings.phone_region,
                          self._settings.retention_days, presentation.language)
        form.backTapped.connect(self._controller.go_back)
        return form

    def new_section_page(self, pages: Pages, section: Section) -> SectionPage:
        from kiosk.ui.pages.section import SectionPage
        from kiosk.ui.widgets.listen_button import ListenButton
        from kiosk.ui.widgets.qr_code import QrCode

        owner = self._owner
        page = SectionPage(section, pages.css, pages.metrics,
                           landscape=owner.width() >= owner.height())
        page.linkTapped.connect(self._controller.follow_link)
        speaker = self._services.speaker
        if speaker is not None:
            page.add_listen(ListenButton(speaker, pages.strings, section.language,
                                         paragraphs(section.title, section.html), page.text,
                                         (pages.theme.background, pages.theme.text)))
        # None unless take-home is on and the address is https on the clinic's own domains.
        address = section_address(section, self._settings.take_home)
        if address is not None:
            page.add_take_home(QrCode(address, pages.strings["take_home_page"],
                                      pages.strings["take_home_page_name"]))
        return page

    def _access_buttons(self, presentation: Presentation, strings: Mapping[str, str],
                        theme: Theme, metrics: Metrics, *, header: bool) -> AccessButtons:
        other = None
        languages = self.languages
        if len(languages) > 1:
            other = self._translations[presentation.next_language(languages)][LANGUAGE_NAME]
        px = round((metrics.chrome_px if header else metrics.button_px) * 0.9)
        access = AccessButtons(strings, presentation, other, (theme.primary, theme.on_primary),
                               px, self._owner)
        present = self._present
        access.languageTapped.connect(
            lambda: present(self._controller.presentation.with_next_language(languages)))
        access.textSizeTapped.connect(
            lambda: present(self._controller.presentation.with_next_text_size()))
        access.contrastTapped.connect(
            lambda: present(self._controller.presentation.with_contrast_toggled()))
        return access
