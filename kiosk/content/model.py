"""What loaded content looks like: sections, the set of them, and problems found."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


def escaped(text: object) -> str:
    """``text`` with every character that is not printable written as an escape (``\\n``,
    ``\\x1b``, ``\\u202e``): a file name can hold a newline or a terminal escape, and must
    not forge a line of ``kiosk check`` output or of the log, nor reach a terminal raw."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in str(text))


# The section that says when to get care right away: the start screen and the topics menu
# show the way to it apart from the others.
URGENT_SLUG = "get-care-right-away"


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, shown to staff as ``file:line: message``."""

    path: Path
    line: int
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{escaped(self.path)}:{self.line}: {prefix}{escaped(self.message)}"


@dataclass(frozen=True)
class Source:
    """Where a page's facts were checked: a title staff can recognise and its web address."""

    title: str
    url: str

    def __str__(self) -> str:
        return f"{self.title} <{self.url}>"


@dataclass(frozen=True)
class Review:
    """Who signed a page off, when, and against what. For staff only: never shown to patients.

    ``reviewed_by`` is empty and ``reviewed_on`` None until a clinician has reviewed the page.
    """

    reviewed_by: str = ""
    reviewed_on: date | None = None
    sources: tuple[Source, ...] = ()

    @property
    def done(self) -> bool:
        return bool(self.reviewed_by) and self.reviewed_on is not None


@dataclass(frozen=True)
class Section:
    slug: str
    order: int
    title: str
    image: Path
    image_alt: str
    html: str
    language: str
    source: Path
    review: Review = field(default_factory=Review)
    # The clinic's own web page on this topic, for the page's QR code (kiosk/take_home.py).
    more_info: str = ""


@dataclass(frozen=True)
class ContentSet:
    """Every valid section, per language, in page order."""

    default_language: str
    by_language: dict[str, tuple[Section, ...]]

    def sections(self, language: str | None = None) -> tuple[Section, ...]:
        """The pages for ``language``; a section it lacks comes from the default language."""
        default = self.by_language.get(self.default_language, ())
        if language is None or language == self.default_language:
            return default
        own = {s.slug: s for s in self.by_language.get(language, ())}
        return tuple(own.get(s.slug, s) for s in default)
