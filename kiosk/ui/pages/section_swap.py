"""The section pages in the window's stack and the topics buttons, for one set of sections.

Content changes while patients use the kiosk. ``replace_in_slices`` builds the new pages a
slice at a time (see ``in_slices``) behind the ones on screen, which keep working, swaps
them in together once all are made, and deletes the old ones a slice at a time: a tap
during a reload waits for one slice at most. ``replace_now`` does it all at once, for
start-up and a change of language, when the pages are needed straight away.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget

from kiosk.content.model import Section
from kiosk.ui.pages.section import SectionPage
from kiosk.ui.pages.topics import TopicButton, TopicsPage
from kiosk.ui.services.in_slices import InSlices, delete_in_slices


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

    def __init__(self, stack: QStackedWidget, topics: TopicsPage,
                 make_page: Callable[[Section], SectionPage],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stack = stack
        self._topics = topics
        self._make_page = make_page
        self.sections: tuple[Section, ...] = ()
        self.pages: list[SectionPage] = []
        self._build: PageBuild | None = None

    def replace_now(self, sections: tuple[Section, ...]) -> None:
        self.cancel()
        for page in self.pages:
            self._stack.removeWidget(page)
            page.deleteLater()
        self.pages = [self._add_page(section) for section in sections]
        self._topics.set_sections(sections)
        self.sections = sections
        self.replaced.emit()

    def replace_in_slices(self, sections: tuple[Section, ...]) -> None:
        self.cancel()
        build = PageBuild(sections, self._add_page, self._topics.new_button, self)
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
        old = [*self.pages, *self._topics.use_buttons(build.buttons)]
        self.pages = build.pages
        self.sections = build.sections
        self.replaced.emit()  # the window shows the new page before the old ones go
        delete_in_slices(old, self)
        build.deleteLater()

    def _add_page(self, section: Section) -> SectionPage:
        page = self._make_page(section)
        # Into the stack at once (hidden): it is styled now, not on its first turn.
        self._stack.addWidget(page)
        return page
