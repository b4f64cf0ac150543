"""The section pages in the window's stack and the topics buttons, for one set of sections.

Content changes while patients use the kiosk. ``replace_in_slices`` builds the new pages a
slice at a time (see ``in_slices``) behind the ones on screen, which keep working, swaps
them in together once all are made, and deletes the old ones a slice at a time: a tap
during a reload waits for one slice at most. ``replace_now`` takes the new sections at once,
for start-up and a change of language, and builds each page the first time it is shown (or
in ``build_rest``'s steps, just after the first paint): the start screen shows no section,
and the first section shown waits for its own page only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget

from kiosk.content.model import Section
from kiosk.ui.services.in_slices import InSlices, delete_in_slices

if TYPE_CHECKING:
    from kiosk.ui.pages.section import SectionPage
    from kiosk.ui.pages.topics import TopicButton, TopicsPage


class PageBuild(QObject):
    """Makes one ``SectionPage`` and one ``TopicButton`` per section, in slices.

    ``ready`` comes when all are made; until then ``pages`` and ``buttons`` hold the ones
    made so far, for whoever cancels to delete.
    """

    ready = Signal()
    failed = Signal()

    def __init__(self, sections: tuple[Section, ...],
                 make_page: Callable[[Section], SectionPage],
                 make_button: Callable[[int, Section], TopicButton],
                 parent: QObject | None = None, slice_ms: float | None = None) -> None:
        super().__init__(parent)
        self.sections = sections
        self.pages: list[SectionPage] = []
        self.buttons: list[TopicButton] = []
        steps: list[Callable[[], object]] = [
            partial(self._add_page, make_page, section) for section in sections]
        steps += [partial(self._add_button, make_button, index, section)
                  for index, section in enumerate(sections)]
        self._slices = InSlices(steps, slice_ms, self)
        self._slices.finished.connect(self.ready)
        self._slices.failed.connect(self.failed)

    def _add_page(self, make_page: Callable[[Section], SectionPage], section: Section) -> None:
        self.pages.append(make_page(section))

    def _add_button(self, make_button: Callable[[int, Section], TopicButton], index: int,
                    section: Section) -> None:
        self.buttons.append(make_button(index, section))

    def start(self) -> None:
        self._slices.start()

    def cancel(self) -> None:
        self._slices.cancel()


class SectionPages(QObject):
    """Owns the section pages in ``stack``; ``replaced`` comes once a new set is in place."""

    replaced = Signal()

    def __init__(self, stack: QStackedWidget, topics: Callable[[], TopicsPage],
                 topics_made: Callable[[], bool],
                 make_page: Callable[[Section], SectionPage],
                 parent: QObject | None = None) -> None:
        """``topics`` gives the topics page (building it if need be), ``topics_made`` says
        whether it exists yet."""
        super().__init__(parent)
        self._stack = stack
        self._topics = topics
        self._topics_made = topics_made
        self._make_page = make_page
        self.sections: tuple[Section, ...] = ()
        self._pages: list[SectionPage | None] = []
        # The sections the topics page lists (None: not set since the last replace).
        self._listed: tuple[Section, ...] | None = None
        self._build: PageBuild | None = None

    @property
    def pages(self) -> list[SectionPage]:
        """Every section page, each built now if it was not yet."""
        return [self.page(index) for index in range(len(self.sections))]

    def built(self) -> list[SectionPage]:
        return [page for page in self._pages if page is not None]

    def page(self, index: int) -> SectionPage:
        page = self._pages[index]
        if page is None:
            page = self._pages[index] = self._add_page(self.sections[index])
        return page

    def topics(self) -> TopicsPage:
        """The topics page, listing these sections."""
        topics = self._topics()
        if self._listed is not self.sections:
            topics.set_sections(self.sections)
            self._listed = self.sections
        return topics

    def build_rest(self) -> list[Callable[[], object]]:
        """A step for each page not built yet, and the topics list (for `InSlices`)."""
        steps: list[Callable[[], object]] = [
            partial(self.page, index) for index, page in enumerate(self._pages) if page is None]
        return [*steps, self.topics]

    def replace_now(self, sections: tuple[Section, ...]) -> None:
        self.cancel()
        for page in self.built():
            self._stack.removeWidget(page)
            page.deleteLater()
        self._pages = [None] * len(sections)
        self.sections = sections
        self._listed = None
        if self._topics_made():
            self.topics()  # it may be on screen: it lists the new sections now
        self.replaced.emit()

    def replace_in_slices(self, sections: tuple[Section, ...]) -> None:
        self.cancel()
        build = PageBuild(sections, self._add_page, self.topics().new_button, self)
        build.ready.connect(lambda: self._swap_in(build))
        # The pages on screen stay; the error is in the log.
        build.failed.connect(self.cancel)
        self._build = build
        build.start()

    def cancel(self) -> None:
        """Stop a build in slices, if one is running, and delete what it made."""
        build, self._build = self._build, None
        if build is not None:
            build.cancel()
            # Not parented to this object, which may itself be on its way out (a change of
            # language): the new buttons belong to no widget yet and would be left over.
            delete_in_slices([*build.pages, *build.buttons], self.parent() or self)
            build.deleteLater()

    def _swap_in(self, build: PageBuild) -> None:
        self._build = None
        # The old pages leave the stack as they are deleted, a few per slice: taking all of
        # them out of it at once was 70 ms (every removal lays the stack out again).
        old = [*self.built(), *self._topics().use_buttons(build.buttons)]
        self._pages = list(build.pages)
        self.sections = build.sections
        self._listed = build.sections
        self.replaced.emit()  # the window shows the new page before the old ones go
        delete_in_slices(old, self)
        build.deleteLater()

    def _add_page(self, section: Section) -> SectionPage:
        page = self._make_page(section)
        # Into the stack at once (hidden): it is styled now, not on its first turn.
        self._stack.addWidget(page)
        return page
