"""WCAG 2.2 contrast between two colours, for the theme check and the accessibility tests.

Qt-free: the formula is WCAG's relative luminance of sRGB colours written as ``#RRGGBB``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

from kiosk.config import Theme
from kiosk.content.model import Problem, Severity

# WCAG 1.4.6 (enhanced) asks 7:1 for text.
TEXT_MINIMUM = 7.0


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of ``#RRGGBB``: 0 for black, 1 for white."""
    digits = colour.lstrip("#")
    if len(digits) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    r, g, b = (int(digits[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def ratio(foreground: str, background: str) -> float:
    """Contrast ratio from 1 (the same) to 21 (black on white); order does not matter."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


# (foreground, background) colour names of the theme that are drawn as text on each other.
TEXT_PAIRS = (
    ("text", "background"), ("text", "surface"), ("text", "keyboard"),
    ("muted_text", "background"), ("muted_text", "surface"),
    ("primary", "background"), ("primary", "surface"),
    ("error", "background"), ("error", "surface"),
    ("on_primary", "primary"), ("on_primary", "error"), ("on_primary", "text"),
)


def low_contrast_pairs(colours: Mapping[str, str]) -> list[tuple[str, str, float]]:
    """Each text colour pair of a theme below 7:1, with its ratio."""
    found = []
    for fg, bg in TEXT_PAIRS:
        value = ratio(colours[fg], colours[bg])
        if value < TEXT_MINIMUM:
            found.append((fg, bg, value))
    return found


def theme_problems(theme: Theme, source: Path) -> list[Problem]:
    """``kiosk check``'s warnings for theme colours that are hard to read."""
    lines: dict[str, int] = {}
    with contextlib.suppress(OSError, UnicodeDecodeError):
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            key = line.split("=", 1)[0].strip()
            lines.setdefault(key, number)
    return [
        Problem(source, lines.get(fg, 1),
                f"'{fg}' on '{bg}' has a contrast of {value:.1f}:1; text needs at least "
                f"{TEXT_MINIMUM:.0f}:1 to be easy to read", Severity.WARNING)
        for fg, bg, value in low_contrast_pairs(asdict(theme))
    ]
