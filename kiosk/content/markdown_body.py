"""Check a section's Markdown body and turn it into the HTML the kiosk shows.

Two layers keep the kiosk safe from what a body says:
- ``check_body`` finds raw HTML, pictures and links with the line they are on, so
  ``kiosk check`` can tell staff exactly what to fix;
- ``render_html`` never lets raw HTML through (it is shown as plain text) and drops any link
  that is not ``section:`` or ``signup:``, even if a check was skipped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import markdown
from markdown.treeprocessors import Treeprocessor

SECTION_SCHEME = "section:"
SIGNUP_TARGET = "signup:"

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_INLINE_LINK = re.compile(r"(!?)\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
_REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^<>\s]*)>")
_HTML_TAG = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9-]*|!--)")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_BARE_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


@dataclass(frozen=True)
class Link:
    line: int
    target: str


@dataclass
class BodyReport:
    links: list[Link]
    errors: list[tuple[int, str]]


def is_internal(target: str) -> bool:
    return target == SIGNUP_TARGET or (
        target.startswith(SECTION_SCHEME) and len(target) > len(SECTION_SCHEME)
    )


def check_body(body: str, first_line: int) -> BodyReport:
    """Find links, pictures and raw HTML in ``body``; line numbers count from ``first_line``."""
    report = BodyReport(links=[], errors=[])
    if not body.strip():
        report.errors.append((first_line, "the page has no text below the '---' block"))
        return report

    in_fence = False
    for offset, raw in enumerate(body.split("\n")):
        number = first_line + offset
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        line = _CODE_SPAN.sub("", raw)
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
                (number, f"web addresses ({url.group(0)}) cannot be opened on the kiosk; "
                         "remove it or tell patients to ask at the front desk")
            )
        email = _BARE_EMAIL.search(plain_text) if not definition else None
        if email:
            report.errors.append(
                (number, f"e-mail addresses ({email.group(0)}) cannot be used on the kiosk; "
                         "tell patients to ask at the front desk instead")
            )
    return report


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


def render_html(body: str) -> str:
    """Markdown to the HTML subset Qt's rich text shows; raw HTML comes out as plain text."""
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_KeepOnlyInternalLinks(md), "kiosk_links", 0)
    return md.convert(body)
