"""The pages for a new set of sections, made a slice at a time while the old ones stay up."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Signal

from kiosk.content.model import Section
from kiosk.ui.in_slices import SLICE_MS, InSlices
from kiosk.ui.section_page import SectionPage
from kiosk.ui.topics_page import TopicButton


class PageBuild(QObject):
    """Makes one ``SectionPage`` and one ``TopicButton`` per section, in slices.

    ``ready`` comes when all are made; until then ``pages`` and ``buttons`` hold the ones
    made so far, for whoever cancels to delete.
    """

    ready = Signal()

    def __init__(self, sections: tuple[Section, ...],
                 make_page: Callable[[Section], SectionPage],
                 make_button: Callable[[int, Section], TopicButton],
                 parent: QObject | None = None, slice_ms: float = SLICE_MS) -> None:
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

    def _add_page(self, make_page: Callable[[Section], SectionPage], section: Section) -> None:
        self.pages.append(make_page(section))

    def _add_button(self, make_button: Callable[[int, Section], TopicButton], index: int,
                    section: Section) -> None:
        self.buttons.append(make_button(index, section))

    def start(self) -> None:
        self._slices.start()

    def cancel(self) -> None:
        self._slices.cancel()
