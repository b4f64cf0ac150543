"""The small ``---`` block at the top of a section file, parsed with line numbers.

Deliberately not YAML: a few ``key: value`` lines need no quoting rules, and YAML's type
guessing (``no`` becomes false, ``1.10`` becomes 1.1) would surprise staff. Every mistake
is reported with the line it is on.

A page lists its sources one per ``source:`` line (the only key that may repeat: a line each
keeps every source's own line number for messages). ``reviewed_by`` and ``reviewed_on`` may be
left empty: that is how a page says it has not been reviewed yet (see ``review.py``).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from kiosk.content.markdown_body import find_placeholders

FENCE = "---"
REQUIRED_KEYS = ("title", "image", "image_alt")
# more_info: the clinic's own web page on the topic, opened by the page's QR code.
OPTIONAL_KEYS = ("order", "reviewed_by", "reviewed_on", "source", "more_info")
KNOWN_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS
# Keys that may appear on several lines, each value kept with its line.
REPEATED_KEYS = ("source",)
# Keys that may be written with nothing after the colon, as a blank to fill in later.
MAY_BE_EMPTY = ("reviewed_by", "reviewed_on")
MAX_SOURCES = 10
MAX_VALUE_LENGTH = 300
# Possessive: "<" and a long run of spaces must not be rescanned from every space.
_HTML_TAG = re.compile(r"<\s*+/?\s*+[a-zA-Z!]")
QUOTE_CHARS = 60


def _shorten(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


@dataclass
class FrontMatter:
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    # Every value of a repeated key, with its line: {"source": [(9, "..."), (10, "...")]}.
    repeated: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    body: str = ""
    body_first_line: int = 1
    # (line, message) pairs; the loader turns them into problems for the file.
    errors: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


# Characters that break a line or a message wherever they are: refused in any value.
_BREAKING = {"Cc", "Zl", "Zp"}
# Letters by their category that every font draws as nothing (Hangul fillers), and the
# braille blank (a symbol): a title of only these passes as "letters" yet shows nothing.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _is_letter_or_digit(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN" and ch not in _BLANK_LETTERS


def _invisible_problem(key: str, value: str) -> str | None:
    """Why ``value`` shows nothing or breaks its line, or None.

    A value must hold at least one letter or digit (of any script). Not "anything that is not
    a known invisible character": the list of what draws nothing has no end (zero-width and
    bidi formatting, combining marks alone, variation selectors, private-use and unassigned
    code points, fillers, blanks), while every title, alt text, name, date and source staff
    write has a letter or digit in it."""
    if any(unicodedata.category(ch) in _BREAKING for ch in value):
        return f"'{key}' contains a control character or a line break; write plain words only"
    if not any(_is_letter_or_digit(ch) for ch in value):
        return (f"'{key}' has no visible letters or digits, only invisible characters or "
                "symbols; write plain words")
    return None


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def _value_problem(key: str, value: str) -> str | None:
    if not value:
        return None if key in MAY_BE_EMPTY else f"'{key}' is empty"
    if invisible := _invisible_problem(key, value):
        return invisible
    if _HTML_TAG.search(value):
        return f"'{key}' contains HTML; write plain words only"
    if len(value) > MAX_VALUE_LENGTH:
        return f"'{key}' is {len(value)} characters long; keep it under {MAX_VALUE_LENGTH}"
    if key == "more_info" and not re.fullmatch(r"https://[^\s/?#@]+\.[^\s/?#@]+(?:[/?#]\S*)?",
                                              value):
        return (f"'more_info' must be a web address starting with https://, not "
                f"{_shorten(value)!r}")
    if key in ("title", "image_alt") and find_placeholders(value):
        return (f"words in braces such as {{emergency_number}} are filled in only in the page "
                f"text below the '---' block, not in '{key}'")
    return None


def _add_repeated(result: FrontMatter, key: str, value: str, number: int) -> None:
    values = result.repeated.setdefault(key, [])
    if len(values) >= MAX_SOURCES:
        result.errors.append((number, f"more than {MAX_SOURCES} '{key}' lines; keep the "
                                      f"{MAX_SOURCES} that matter most"))
        return
    value = _unquoted(value)
    problem = _value_problem(key, value)
    if problem:
        result.errors.append((number, problem))
        return
    values.append((number, value))
    result.lines.setdefault(key, number)


def parse(text: str) -> FrontMatter:
    """Split ``text`` into front-matter values and the Markdown body."""
    result = FrontMatter()
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        result.errors.append(
            (1, "the file must start with a line '---', then title, image and image_alt lines, "
                "then '---'")
        )
        result.body = text
        return result

    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if end is None:
        result.errors.append((1, "the '---' block at the top is never closed with another '---'"))
        return result

    for index in range(1, end):
        number = index + 1
        raw = lines[index]
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        key, colon, value = raw.partition(":")
        key = key.strip()
        value = value.strip()
        if not colon or not key:
            result.errors.append(
                (number, f"expected 'key: value', found {_shorten(raw.strip())!r}"))
            continue
        if key not in KNOWN_KEYS:
            allowed = ", ".join(KNOWN_KEYS)
            result.errors.append(
                (number, f"unknown key '{_shorten(key)}'{_suggest(key)}; allowed keys: {allowed}")
            )
            continue
        if key in REPEATED_KEYS:
            _add_repeated(result, key, value, number)
            continue
        if key in result.values:
            result.errors.append(
                (number, f"'{key}' is given twice (first on line {result.lines[key]})")
            )
            continue
        value = _unquoted(value)
        problem = _value_problem(key, value)
        if problem:
            result.errors.append((number, problem))
        result.values[key] = value
        result.lines[key] = number

    for key in REQUIRED_KEYS:
        if key not in result.lines:
            result.errors.append((end + 1, f"'{key}:' is missing from the '---' block"))

    result.body = "\n".join(lines[end + 1 :])
    result.body_first_line = end + 2
    return result
