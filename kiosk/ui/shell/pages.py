"""The pages and bars of one presentation: some built at once, the rest when first needed.

A kiosk boots to its start screen, so that screen, the header and the nav bar are built
with the window; the topics menu, the message pages, the staff panel, the keyboard and the
"Still there?" notice are built the first time something asks for them (a tap that shows
one, or ``build_rest`` just after the first paint, a page per event-loop slice). Asking is
all a caller does: ``pages.topics`` is the topics page, built or not a moment ago.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import QStackedWidget, QWidget

from kiosk.config import Theme
from kiosk.ui.widgets.theme import Metrics

if TYPE_CHECKING:
    from kiosk.ui.pages.attract import AttractPage
    from kiosk.ui.pages.message import MessagePage, ThanksPage
    from kiosk.ui.pages.staff.panel import StaffPanel
    from kiosk.ui.pages.topics import TopicsPage
    from kiosk.ui.shell.idle import StillThere
    from kiosk.ui.widgets.header_bar import HeaderBar
    from kiosk.ui.widgets.keyboard import OnScreenKeyboard
    from kiosk.ui.widgets.nav_bar import NavBar


class Pages:
    def __init__(self, strings: Mapping[str, str], theme: Theme, metrics: Metrics, css: str,
                 style: str, header: HeaderBar, nav: NavBar, stack: QStackedWidget,
                 attract: AttractPage, made: Callable[[str, QWidget], None]) -> None:
        """``made`` (name, widget) is called once for every page built later."""
        self.strings = strings
        self.theme = theme
        self.metrics = metrics
        self.css = css
        self.style = style
        self.header = header
        self.nav = nav
        self.stack = stack
        self.attract = attract
        self._made_hook = made
        self._makers: dict[str, Callable[[], QWidget]] = {}
        self._made: dict[str, QWidget] = {}

    def later(self, name: str, make: Callable[[], QWidget]) -> None:
        """``make`` builds the page called ``name`` when it is first asked for."""
        self._makers[name] = make

    def is_made(self, name: str) -> bool:
        return name in self._made

    def made(self) -> list[QWidget]:
        """The pages built later that exist now."""
        return list(self._made.values())

    def get(self, name: str) -> QWidget:
        widget = self._made.get(name)
        if widget is None:
            widget = self._made[name] = self._makers[name]()
            self._made_hook(name, widget)
        return widget

    def build_rest(self) -> list[Callable[[], object]]:
        """One step for each page not built yet (for `InSlices`)."""
        return [partial(self.get, name) for name in self._makers if name not in self._made]

    @property
    def topics(self) -> TopicsPage:
        return cast("TopicsPage", self.get("topics"))

    @property
    def unavailable(self) -> MessagePage:
        return cast("MessagePage", self.get("unavailable"))

    @property
    def thanks(self) -> ThanksPage:
        return cast("ThanksPage", self.get("thanks"))

    @property
    def not_ready(self) -> MessagePage:
        return cast("MessagePage", self.get("not_ready"))

    @property
    def staff(self) -> StaffPanel:
        return cast("StaffPanel", self.get("staff"))

    @property
    def keyboard(self) -> OnScreenKeyboard:
        return cast("OnScreenKeyboard", self.get("keyboard"))

    @property
    def still_there(self) -> StillThere:
        return cast("StillThere", self.get("still_there"))
