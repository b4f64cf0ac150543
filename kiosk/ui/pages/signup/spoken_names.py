"""Accessible names without the marks drawn for the eye."""

from __future__ import annotations

import unicodedata

# Marks put on buttons for the eye ("‹  Back", "◐  High contrast") that a screen reader
# would read out as "single left-pointing angle quotation mark": symbols, arrows, guillemets.
_GLYPH_CATEGORIES = frozenset(("So", "Sm", "Pi", "Pf", "Co"))


def spoken(text: str) -> str:
    """``text`` without drawn marks, for an accessible name: "‹  Back" -> "Back"."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in _GLYPH_CATEGORIES)
    return " ".join(kept.split())


def glyphs_in(text: str) -> str:
    """The drawn marks in ``text`` (for tests and checks); "" when it reads cleanly."""
    return "".join(ch for ch in text if unicodedata.category(ch) in _GLYPH_CATEGORIES)
