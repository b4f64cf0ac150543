"""The patient's session without Qt: which page is up, how it reads, what is typed.

The window draws what this says; the rules for moving between pages, for starting over and
for how long a page waits before asking "Still there?" live here, as plain functions on
plain values, so they are unit-tested without a display (tests/unit/test_session.py).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from kiosk.config import TEXT_PERCENTS, Settings
from kiosk.content.links import SECTION_SCHEME, SIGNUP_TARGET


class PageKind(enum.Enum):
    # The values are the page ids in the window title and the log (e2e tests read them).
    ATTRACT = "attract"
    UNAVAILABLE = "unavailable"  # no content could be loaded
    TOPICS = "topics"
    SECTION = "section"
    SIGNUP = "signup"
    NOT_READY = "signup-not-ready"  # the clinic has not set up its keys, or no database
    THANKS = "thanks"
    STAFF = "staff"


@dataclass(frozen=True)
class Page:
    """One screen. Only a section has a slug."""

    kind: PageKind
    slug: str = ""

    @classmethod
    def section(cls, slug: str) -> Page:
        return cls(PageKind.SECTION, slug)

    def __str__(self) -> str:
        if self.kind is PageKind.SECTION:
            return SECTION_SCHEME + self.slug
        return str(self.kind.value)

    @property
    def is_section(self) -> bool:
        return self.kind is PageKind.SECTION

    @property
    def is_signup(self) -> bool:
        """The form, or the page standing in for it."""
        return self.kind in (PageKind.SIGNUP, PageKind.NOT_READY)

    @property
    def has_header(self) -> bool:
        return self.kind not in (PageKind.ATTRACT, PageKind.UNAVAILABLE, PageKind.STAFF)


ATTRACT = Page(PageKind.ATTRACT)
UNAVAILABLE = Page(PageKind.UNAVAILABLE)
TOPICS = Page(PageKind.TOPICS)
SIGNUP = Page(PageKind.SIGNUP)
NOT_READY = Page(PageKind.NOT_READY)
THANKS = Page(PageKind.THANKS)
STAFF = Page(PageKind.STAFF)


@dataclass(frozen=True)
class Presentation:
    """How the pages look for the patient at the screen right now."""

    language: str
    text_percent: int
    high_contrast: bool

    @classmethod
    def default(cls, settings: Settings) -> Presentation:
        return cls(settings.default_language, settings.text_percent, settings.high_contrast)

    def next_language(self, languages: tuple[str, ...]) -> str:
        index = languages.index(self.language) if self.language in languages else -1
        return languages[(index + 1) % len(languages)]

    def with_next_language(self, languages: tuple[str, ...]) -> Presentation:
        return replace(self, language=self.next_language(languages))

    def with_next_text_size(self) -> Presentation:
        index = TEXT_PERCENTS.index(self.text_percent) if self.text_percent in TEXT_PERCENTS else 0
        return replace(self, text_percent=TEXT_PERCENTS[(index + 1) % len(TEXT_PERCENTS)])

    def with_contrast_toggled(self) -> Presentation:
        return replace(self, high_contrast=not self.high_contrast)


@dataclass(frozen=True)
class Draft:
    """What the patient has typed into the form so far, and the field they are typing in.

    The consent tick is not part of it: a patient agrees to the text in one language, and
    the version of that text is what is stored with the entry.
    """

    values: Mapping[str, str] = field(default_factory=dict)
    focused: str | None = None


def consent_version(text_version: str, retention_days: int) -> str:
    """The version stored with an entry: the consent text's own, and how long it is kept."""
    return f"{text_version}-{retention_days}d"


@dataclass(frozen=True)
class PatientSession:
    """Everything about the patient at the screen; ``reset`` forgets all of it."""

    page: Page
    presentation: Presentation
    draft: Draft | None = None
    # The consent text the patient was last shown (None until the form was shown).
    consent_version: str | None = None

    @classmethod
    def start(cls, settings: Settings) -> PatientSession:
        return cls(ATTRACT, Presentation.default(settings))


# Navigation: where each way of moving leads. ``slugs`` are the sections in reading order;
# ``signup_ready`` says whether the form may be shown (keys set up, database open).

def section_index(page: Page, slugs: Sequence[str]) -> int | None:
    if not page.is_section or page.slug not in slugs:
        return None
    return list(slugs).index(page.slug)


def signup_page(signup_ready: bool) -> Page:
    # Until the clinic has set up its keys the form is never shown: no plaintext fallback.
    return SIGNUP if signup_ready else NOT_READY


def start_page(slugs: Sequence[str]) -> Page:
    return ATTRACT if slugs else UNAVAILABLE


def next_page(page: Page, slugs: Sequence[str], signup_ready: bool) -> Page | None:
    """Next: the first section from anywhere outside the sections, the sign-up after the last;
    None (stay) when there are no sections."""
    if not slugs:
        return None
    index = section_index(page, slugs)
    if index is None:
        return Page.section(slugs[0])
    if index + 1 < len(slugs):
        return Page.section(slugs[index + 1])
    return signup_page(signup_ready)


def previous_page(page: Page, slugs: Sequence[str]) -> Page:
    """Back: the sign-up goes to the last section; the first section to the start screen."""
    if page.is_signup and slugs:
        return Page.section(slugs[-1])
    index = section_index(page, slugs)
    if index is None or index == 0:
        return start_page(slugs)
    return Page.section(slugs[index - 1])


def swipe_page(page: Page, direction: int, slugs: Sequence[str]) -> Page | None:
    """A swipe turns pages only among the sections; forward past the last does nothing."""
    index = section_index(page, slugs)
    if index is None:
        return None
    if direction > 0:
        return Page.section(slugs[index + 1]) if index + 1 < len(slugs) else None
    return previous_page(page, slugs)


def link_page(target: str, slugs: Sequence[str], signup_ready: bool) -> Page | None:
    """Only section and sign-up links go anywhere; None for anything else."""
    if target.startswith(SECTION_SCHEME):
        slug = target[len(SECTION_SCHEME):]
        return Page.section(slug) if slug in slugs else None
    if target == SIGNUP_TARGET:
        return signup_page(signup_ready)
    return None


def page_after_content(page: Page, slugs: Sequence[str]) -> Page | None:
    """New content is up: the page to show, or None to stay where the patient is.

    A patient filling in the form, or staff in the panel, stay where they are; a section
    that still exists stays; a section that went away leaves for the start screen.
    """
    if not slugs:
        return UNAVAILABLE
    if page.kind in (PageKind.SIGNUP, PageKind.THANKS, PageKind.NOT_READY, PageKind.STAFF):
        return None
    if page.is_section and page.slug in slugs:
        return page
    if page == TOPICS:
        return TOPICS
    return ATTRACT


def idle_ms(page: Page, settings: Settings) -> int | None:
    """How long a page waits without a touch before asking "Still there?"; None: never.

    The start screen has nobody to protect; the form gives longer to think.
    """
    if page.kind in (PageKind.ATTRACT, PageKind.UNAVAILABLE):
        return None
    if page.kind is PageKind.SIGNUP:
        return settings.idle_form_ms
    return settings.idle_ms


def reset(settings: Settings) -> PatientSession:
    """The next patient: start screen, the clinic's language, text size and colours, nothing
    typed, no consent shown."""
    return PatientSession.start(settings)


def with_page(session: PatientSession, page: Page) -> PatientSession:
    """Move to ``page``; reaching the start screen drops what the last patient typed, even
    if they walked away halfway (the idle reset covers the one who just stops touching)."""
    if page in (ATTRACT, UNAVAILABLE):
        return replace(session, page=page, draft=None, consent_version=None)
    return replace(session, page=page)
