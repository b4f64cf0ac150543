"""What the window is called on each page: for the window system and for screen readers."""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.content.model import Section
from kiosk.session import Page, PageKind

# What a screen reader calls each page that is not a section.
TITLE_KEYS = {PageKind.ATTRACT: "attract_title", PageKind.TOPICS: "topics_title",
              PageKind.SIGNUP: "signup_title", PageKind.THANKS: "thanks_title",
              PageKind.NOT_READY: "signup_title", PageKind.UNAVAILABLE: "unavailable_title",
              PageKind.STAFF: "staff_pin_title"}


def window_title(clinic_name: str, page: Page, section: Section | None) -> str:
    """The window's title: the clinic, then the section's title or the page's id (which
    the end-to-end tests read)."""
    return f"{clinic_name} - {section.title if section is not None else page}"


def spoken_title(clinic_name: str, page: Page, section: Section | None,
                 strings: Mapping[str, str]) -> str:
    """What a screen reader announces for the window: the page's own title in the
    patient's language."""
    if section is not None:
        return section.title
    return strings[TITLE_KEYS[page.kind]] if page.kind in TITLE_KEYS else clinic_name
