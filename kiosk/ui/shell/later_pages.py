"""The window's pages that are built when first asked for, by name, what the window wires on
each as it is built, and the slices that build the rest just after the first paint (a part
of `KioskWindow`).

A kiosk boots to its start screen, so only that screen and its bars are built before the
first paint (see `Pages`). ``window.topics`` or ``window.staff`` is the page, built now if
it was not yet; the ``_if_made`` helpers act on a page only if it exists, so tidying up
(locking the panel, hiding the notice) never builds a page just to tidy it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.ui.services.in_slices import InSlices

if TYPE_CHECKING:
    from kiosk.ui.pages.message import MessagePage, ThanksPage
    from kiosk.ui.pages.section_swap import SectionPages
    from kiosk.ui.pages.signup.slot import FormSlot
    from kiosk.ui.pages.staff.panel import StaffPanel
    from kiosk.ui.pages.topics import TopicsPage
    from kiosk.ui.shell.idle import StillThere
    from kiosk.ui.shell.pages import Pages
    from kiosk.ui.shell.services import Services
    from kiosk.ui.shell.typing import Typing
    from kiosk.ui.widgets.keyboard import OnScreenKeyboard


class LaterPages:
    # The window's, which these parts use.
    _typing: Typing
    _layout: QVBoxLayout
    exitRequested: Any
    firstPainted: Any
    _pages: Pages
    _section_pages: SectionPages
    _form_slot: FormSlot
    _services: Services
    _rest: InSlices | None = None
    _all_built = False

    # KioskWindow's own (QWidget comes first in its bases): declared here for the type checker.
    def _stay(self) -> None:
        raise NotImplementedError

    def rect(self) -> QRect:
        raise NotImplementedError

    def _wire(self, name: str, widget: QWidget) -> None:
        """What the window itself connects on a page built later (see ``Pages``)."""
        if name == "keyboard":
            self.keyboard.doneTapped.connect(self._typing.done)
            self._layout.addWidget(widget)  # below the nav bar, as the last thing
        elif name == "staff":
            self.staff.exitRequested.connect(self.exitRequested)
            self.staff.fieldFocused.connect(self._typing.attach)
        elif name == "still_there":
            self.still_there.stayTapped.connect(self._stay)
            widget.setGeometry(self.rect())

    def _after_first_paint(self) -> None:
        self.firstPainted.emit()
        self.build_rest()

    def build_rest(self, *, at_once: bool = False) -> None:
        """Build every page not built yet, the form and the sign-up stack: a slice at a time
        just after the first paint (a tap in between waits for one slice at most), or
        ``at_once`` (a rebuild in another language or text size, as before pages were
        built later: built in slices there, the old pages' touch gestures outlived them
        until the next rebuild, bench/soak.py)."""
        if self._rest is not None:
            self._rest.cancel()
            self._rest.deleteLater()
            self._rest = None
        steps: list[Callable[[], object]] = [
            *self._pages.build_rest(), *self._section_pages.build_rest(),
            lambda: self._form_slot.form, lambda: self._services.staff]
        if at_once:
            for step in steps:
                step()
            self._all_built = True
            return
        # Goes with the section pages at a rebuild, or once it has built the rest.
        self._rest = InSlices(steps, parent=self._section_pages)
        self._rest.finished.connect(self._rest_built)
        self._rest.failed.connect(self._rest_built)
        self._rest.start()

    def _rest_built(self) -> None:
        self._all_built = True
        if self._rest is not None:
            self._rest.deleteLater()
            self._rest = None

    @property
    def building(self) -> bool:
        """Whether some pages are still to be built (from the window's making until the
        slices after its first paint are done): until then they exist only once something
        asks for them."""
        return not self._all_built

    @property
    def topics(self) -> TopicsPage:
        return self._section_pages.topics()

    @property
    def unavailable(self) -> MessagePage:
        return self._pages.unavailable

    @property
    def thanks(self) -> ThanksPage:
        return self._pages.thanks

    @property
    def not_ready(self) -> MessagePage:
        return self._pages.not_ready

    @property
    def staff(self) -> StaffPanel:
        return self._pages.staff

    @property
    def keyboard(self) -> OnScreenKeyboard:
        return self._pages.keyboard

    @property
    def still_there(self) -> StillThere:
        return self._pages.still_there

    def _clear_staff_if_made(self, why: str) -> None:
        if self._pages.is_made("staff"):
            self.staff.clear(why)

    def _hide_still_there_if_made(self) -> None:
        if self._pages.is_made("still_there"):
            self.still_there.hide()

    def _note_staff_activity(self) -> None:
        # Whichever panel is up now: the watcher outlives every rebuild of the pages.
        if self._pages.is_made("staff"):
            self.staff.note_activity()
