"""Check a section's Markdown body and turn it into the HTML the kiosk shows.

Two layers keep the kiosk safe from what a body says:
- ``check_body`` finds raw HTML, pictures and links with the line they are on, so
  ``kiosk check`` can tell staff exactly what to fix;
- ``render_html`` never lets raw HTML through (it is shown as plain text) and drops any link
  that is not ``section:`` or ``signup:``, even if a check was skipped.

A hostile or broken file must not stall the check: every pattern here runs in time linear in
the line (possessive quantifiers, no nested brackets in link text), and ``check_body`` refuses
what would make python-markdown slow or recurse too deeply (deep nesting, very long
paragraphs, thousands of ``[``) before ``render_html`` ever sees it.
"""

from __future__ import annotations

import difflib
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from kiosk.content.commonmark_habits import CommonMarkHabits

# Re-exported: the checker and tests import them from here.
from kiosk.content.links import SECTION_SCHEME as SECTION_SCHEME
from kiosk.content.links import SIGNUP_TARGET as SIGNUP_TARGET
from kiosk.content.links import is_internal as is_internal

# Words in braces the kiosk fills in from its settings, so a page never hard-codes what
# differs between clinics (the emergency number is 911 in the US, 112 or 999 elsewhere).
# The values come from kiosk.toml; these are the defaults when none are given.
DEFAULT_PAGE_VALUES: Mapping[str, str] = {"emergency_number": "911"}
# Anything in braces on one line counts, so '{emergency number}' is caught as a typo.
_PLACEHOLDER = re.compile(r"\{([^{}\n]{1,40})\}")

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
# Link text holds no brackets and a target no spaces or brackets: a line of '[' or '[x]('
# repeated then costs one pass, not one pass per bracket.
_INLINE_LINK = re.compile(r"(!?)\[[^\[\]]*\]\(\s*+<?([^)\s<>\[\]]*+)>?"
                          r"(?:\s++(?:\"[^\"]*+\"|'[^']*+'))?\s*+\)")
_REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*+:[^<>\s]*+)>")
_HTML_TAG = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9-]*|!--)")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# One character before the '@' is enough to find an address; the rest of the name is read
# back from there (a pattern starting with [\w.+-]+ rescans the line from every dot).
_EMAIL_AT = re.compile(r"[\w.+-]@[\w-]+(?:\.[\w-]+)+\b")
_EMAIL_NAME = re.compile(r"[\w.+-]+$")
_NESTING_MARK = re.compile(r" {0,3}(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s))[ \t]*")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")

# Limits that keep python-markdown fast and its recursion shallow; no real page comes near.
MAX_NESTING = 6
MAX_PARAGRAPH_CHARS = 5000
MAX_BRACKETS = 100
QUOTE_CHARS = 60


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters for a message (a hostile line can be huge)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def nesting(line: str) -> int:
    """How deep ``line`` sits in lists and quotes: a level per 4 spaces of indent and per
    list marker or '>' at its start ('- - - x' is three lists inside each other)."""
    expanded = line.expandtabs(4)
    text = expanded.lstrip(" ")
    if _RULE.match(text):
        return 0  # '* * * *' is a horizontal line, not lists
    depth = (len(expanded) - len(text)) // 4
    position = 0
    while (mark := _NESTING_MARK.match(text, position)) and mark.end() > position:
        depth += 1
        position = mark.end()
    return depth


def _bare_email(text: str) -> str | None:
    found = _EMAIL_AT.search(text)
    if found is None:
        return None
    before = _EMAIL_NAME.search(text[max(0, found.start() - 64): found.start() + 1])
    name = before.group(0) if before else ""
    return name[:-1] + found.group(0)


@dataclass(frozen=True)
class Link:
    line: int
    target: str


@dataclass
class BodyReport:
    links: list[Link]
    errors: list[tuple[int, str]]


def check_body(body: str, first_line: int) -> BodyReport:
    """Find links, pictures and raw HTML in ``body``; line numbers count from ``first_line``."""
    report = BodyReport(links=[], errors=[])
    if not body.strip():
        report.errors.append((first_line, "the page has no text below the '---' block"))
        return report

    _check_size(body, first_line, report)
    in_fence = too_deep = False
    for offset, raw in enumerate(body.split("\n")):
        number = first_line + offset
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        depth = nesting(raw)
        if depth > MAX_NESTING and not too_deep:
            too_deep = True  # once per page: the lines below it are usually just as deep
            report.errors.append(
                (number, f"lists or quotes are nested {depth} levels deep here; use at most "
                         f"{MAX_NESTING} (a list inside a list inside a list is 3)"))
        line = _CODE_SPAN.sub("", raw)
        for placeholder in _PLACEHOLDER.finditer(line):
            problem = placeholder_problem(placeholder.group(1), DEFAULT_PAGE_VALUES)
            if problem:
                report.errors.append((number, problem))
        for match in _INLINE_LINK.finditer(line):
            if match.group(1):
                report.errors.append(
                    (number, "pictures inside the text are not shown; put the picture in "
                             "the 'image:' line at the top instead")
                )
            else:
                report.links.append(Link(number, match.group(2)))
        definition = _REFERENCE_DEF.match(line)
        if definition:
            report.links.append(Link(number, definition.group(1)))
        for match in _AUTOLINK.finditer(line):
            report.links.append(Link(number, match.group(1)))
        without_autolinks = _AUTOLINK.sub("", line)
        plain_text = _INLINE_LINK.sub("", without_autolinks)
        tag = _HTML_TAG.search(without_autolinks)
        if tag:
            report.errors.append(
                (number, f"HTML such as '<{tag.group(1)}' is not allowed here; "
                         "write plain Markdown instead")
            )
        url = _BARE_URL.search(plain_text) if not definition else None
        if url:
            report.errors.append(
                (number, f"web addresses ({shorten(url.group(0))}) cannot be opened on the "
                         "kiosk; remove it or tell patients to ask at the front desk")
            )
        email = _bare_email(plain_text) if not definition else None
        if email:
            report.errors.append(
                (number, f"e-mail addresses ({shorten(email)}) cannot be used on the kiosk; "
                         "tell patients to ask at the front desk instead")
            )
    return report


def placeholder_problem(name: str, known: Mapping[str, str]) -> str | None:
    """Why ``{name}`` cannot be filled in, or None if the kiosk knows it."""
    if name in known:
        return None
    close = difflib.get_close_matches(name.strip().replace(" ", "_").lower(), known, n=1)
    hint = f" (did you mean '{{{close[0]}}}'?)" if close else ""
    names = ", ".join(f"{{{k}}}" for k in sorted(known))
    return (f"'{{{shorten(name)}}}' is not something the kiosk can fill in{hint}; "
            f"words in braces it knows: {names}")


def find_placeholders(text: str) -> list[str]:
    """Every ``{word}`` in a line of text (front-matter values use this)."""
    return [m.group(1) for m in _PLACEHOLDER.finditer(text)]


def fill_placeholders(body: str, values: Mapping[str, str]) -> str:
    """``body`` with every known ``{name}`` replaced by its value; others are left as they are
    (``check_body`` reports them, so they never reach a patient)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def _check_size(body: str, first_line: int, report: BodyReport) -> None:
    """Paragraphs and brackets: python-markdown's time grows with their product."""
    start, length = first_line, 0
    lines = body.split("\n")
    for offset, raw in enumerate([*lines, ""]):
        if raw.strip():
            if not length:
                start = first_line + offset
            length += len(raw) + 1
            continue
        if length > MAX_PARAGRAPH_CHARS:
            report.errors.append(
                (start, f"this paragraph is {length:,} characters long; keep paragraphs under "
                        f"{MAX_PARAGRAPH_CHARS:,} characters (put an empty line between them)"))
        length = 0
    brackets = 0
    for offset, raw in enumerate(lines):
        brackets += raw.count("[")
        if brackets > MAX_BRACKETS:
            total = body.count("[")
            report.errors.append(
                (first_line + offset, f"the page has {total:,} square brackets '['; a page may "
                                      f"have at most {MAX_BRACKETS} (each link uses one pair)"))
            break


class _KeepOnlyInternalLinks(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag == "a":
                href = element.get("href", "")
                if not is_internal(href):
                    element.tag = "span"
                    element.attrib.clear()
            elif element.tag == "img":
                element.tag = "span"
                alt = element.get("alt", "")
                element.attrib.clear()
                element.text = alt


def _new_converter(*, habits: bool = True) -> markdown.Markdown:
    extensions: list[str | Extension] = ["tables", "sane_lists"]
    if habits:
        extensions.append(CommonMarkHabits())
    md = markdown.Markdown(extensions=extensions, output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_KeepOnlyInternalLinks(md), "kiosk_links", 0)
    return md


def converter_before_habits() -> markdown.Markdown:
    """The converter as it was before CommonMarkHabits: the tests and
    bench/markdown_habits.py compare every page with it."""
    return _new_converter(habits=False)


def converter_with_habits() -> markdown.Markdown:
    """A fresh copy of the converter ``render_html`` uses, for those comparisons."""
    return _new_converter()


# Making a converter is most of the cost of a short page (about 1 ms of 1.7 ms), so each
# thread keeps one: content is checked on the UI thread at start-up and on the watcher's
# worker thread later, and a converter must not be shared between threads.
_converters = threading.local()


def render_html(body: str, values: Mapping[str, str] = DEFAULT_PAGE_VALUES) -> str:
    """Markdown to the HTML subset Qt's rich text shows; raw HTML comes out as plain text.

    ``{placeholders}`` are filled in first from ``values`` (the clinic's settings).
    """
    md: markdown.Markdown | None = getattr(_converters, "md", None)
    if md is None:
        md = _converters.md = _new_converter()
    try:
        return md.reset().convert(fill_placeholders(body, values))
    except BaseException:
        # A converter that failed halfway may hold state; the next page gets a fresh one.
        _converters.md = None
        raise
