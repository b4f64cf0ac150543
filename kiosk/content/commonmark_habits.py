"""A python-markdown extension: Markdown written the way CommonMark editors teach comes out
as meant.

Staff learn Markdown from GitHub, Google Docs, Obsidian and chat apps, which follow
CommonMark. python-markdown reads some of their habits differently; this extension replaces
the few block and inline processors concerned, through python-markdown's own extension API:

- lists: CommonMark's rules for where an item's text starts, so items nest under an item by
  as many spaces as its text is indented (two under '- ', three under '1. ') instead of
  python-markdown's fixed four; '1)' numbering; a list right under a line of text (no empty
  line needed); a new list when the mark changes ('-' to '+', '1.' to '1)');
- headings need a space after '#' ('#5 bolt' is a paragraph) and may be indented 1-3 spaces;
- a backslash at the end of a line breaks the line, like two trailing spaces.

Anything still read differently is reported by ``kiosk check`` (commonmark_yardstick.py).
"""

from __future__ import annotations

import re
import string
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from markdown import Markdown
from markdown.blockprocessors import (
    BlockProcessor,
    BlockQuoteProcessor,
    HashHeaderProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

# A list item's first line: up to 3 spaces, the mark, then spaces and text (or nothing).
_ITEM = re.compile(r"(?P<indent> {0,3})(?P<mark>[-+*]|(?P<number>\d{1,9})[.)])"
                   r"(?:(?P<space> +)(?P<text>.*)|$)")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
# Lines that end a paragraph (and so a list item's lazy continuation) in CommonMark.
_BLOCK_START = re.compile(r" {0,3}(?:#{1,6}(?:[ \t]|$)|>|```|~~~)")


@dataclass
class _Mark:
    indent: int
    kind: str  # '-', '+', '*', '.' or ')'
    number: int | None
    content_column: int  # where the item's text starts: lines indented this far belong to it
    text: str


def _item_mark(line: str) -> _Mark | None:
    if _RULE.match(line):
        return None  # '* * *' and '- - -' are lines across the page
    found = _ITEM.match(line)
    if found is None:
        return None
    mark = found["mark"]
    number = int(found["number"]) if found["number"] else None
    indent = len(found["indent"])
    space = found["space"] or ""
    text = found["text"] or ""
    if not text.strip() or len(space) > 4:
        # An empty item, or text indented as code: the item's text starts one space after.
        column = indent + len(mark) + 1
        text = (space[1:] + text) if text.strip() else ""
    else:
        column = indent + len(mark) + len(space)
    return _Mark(indent, mark[-1] if number is not None else mark, number, column, text)


def can_interrupt_paragraph(line: str) -> bool:
    """CommonMark: a list may start right under a line of text if its first item has text and,
    when numbered, starts at 1 (so a sentence ending '... in\\n2024. We' stays a sentence)."""
    mark = _item_mark(line)
    return mark is not None and bool(mark.text.strip()) and mark.number in (None, 1)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


@dataclass
class _Item:
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


class CommonMarkListProcessor(BlockProcessor):
    """Bullet and numbered lists, by CommonMark's rules for which lines belong to an item."""

    def test(self, parent: ET.Element, block: str) -> bool:
        return _item_mark(block.split("\n", 1)[0]) is not None

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        lines = blocks.pop(0).split("\n")
        first = _item_mark(lines[0])
        assert first is not None
        items = [_Item([first.text])]
        column = first.content_column
        loose = blank = False
        paragraph_open = bool(first.text.strip())
        index = 1
        while True:
            if index == len(lines):
                if not blocks or not self._continues(blocks[0], first, column, items[-1]):
                    break
                lines = blocks.pop(0).lstrip("\n").split("\n")
                index, blank = 0, True
                items[-1].lines.append("")
            line = lines[index]
            mark = _item_mark(line)
            if _indent(line) >= column and (not blank or items[-1].text()):
                items[-1].lines.append(line[column:])
                if blank and _indent(line) == column:
                    loose = True  # two blocks directly inside one item
                paragraph_open = not _BLOCK_START.match(line[column:])
            elif mark is not None and mark.kind == first.kind:
                loose = loose or blank
                items.append(_Item([mark.text]))
                column = mark.content_column
                paragraph_open = bool(mark.text.strip())
            elif (paragraph_open and not blank and mark is None
                  and not _BLOCK_START.match(line) and not _RULE.match(line)):
                # CommonMark's lazy continuation: the line goes on the item's paragraph. It
                # keeps its spaces, which are too few to make it a block inside the item.
                items[-1].lines.append(line)
            else:
                blocks.insert(0, "\n".join(lines[index:]))
                break
            blank = False
            index += 1
        self._build(parent, first, items, loose)

    @staticmethod
    def _continues(block: str, first: _Mark, column: int, item: _Item) -> bool:
        """Does the block after an empty line still belong to the list?"""
        line = block.lstrip("\n").split("\n", 1)[0]
        if _indent(line) >= column and line.strip():
            # An item that is still empty at an empty line has ended (CommonMark).
            return bool(item.text())
        mark = _item_mark(line)
        return mark is not None and mark.kind == first.kind

    def _build(self, parent: ET.Element, first: _Mark, items: list[_Item], loose: bool) -> None:
        tag = "ul" if first.number is None else "ol"
        lst = ET.SubElement(parent, tag)
        if first.number is not None and first.number != 1:
            lst.set("start", str(first.number))
        # python-markdown's states: 'list' puts an item's text straight in the <li> (tight);
        # 'looselist' wraps it in <p>, as CommonMark does for a list with empty lines in it.
        self.parser.state.set("looselist" if loose else "list")
        try:
            for item in items:
                self.parser.parseChunk(ET.SubElement(lst, "li"), item.text())
        finally:
            self.parser.state.reset()


class ListInterruptsParagraph(BlockProcessor):
    """A list right under a line of text starts there, as in CommonMark ('Things that help:'
    then '- walking'); python-markdown would run the items into the paragraph."""

    def test(self, parent: ET.Element, block: str) -> bool:
        return any(can_interrupt_paragraph(line) for line in block.split("\n")[1:])

    def run(self, parent: ET.Element, blocks: list[str]) -> bool:
        lines = blocks[0].split("\n")
        at = next(i for i in range(1, len(lines)) if can_interrupt_paragraph(lines[i]))
        blocks[0:1] = ["\n".join(lines[:at]), "\n".join(lines[at:])]
        return False  # the paragraph processor takes the text above; the list comes next


class CommonMarkHeadingProcessor(HashHeaderProcessor):
    """'# Heading' needs a space after the marks ('#hashtag' stays text), may be indented up
    to 3 spaces, and a closing '#' run counts only after a space ('# C#' keeps its '#')."""

    RE = re.compile(r"(?:^|\n) {0,3}(?P<level>#{1,6})(?=[ \t]|\n|$)"
                    r"(?P<header>[^\n]*?)(?:[ \t]+#+)?[ \t]*(?:\n|$)")


_UNDERLINE = re.compile(r" {0,3}(=+|-+)[ \t]*$")
# A link definition ('[nerve]: section:the-sciatic-nerve') is not text: python-markdown's
# reference processor takes it out first, then the lines left may make a heading.
_DEFINITION = re.compile(r" {0,3}\[[^\]]+\]:")


def _paragraph_text(line: str, first: bool) -> bool:
    """Can ``line`` be a line of a paragraph (the first one, or one further down)?"""
    if not line.strip() or _BLOCK_START.match(line) or _RULE.match(line):
        return False
    if _DEFINITION.match(line):
        return False
    return not (_item_mark(line) if first else can_interrupt_paragraph(line))


class CommonMarkSetextProcessor(SetextHeaderProcessor):
    """A heading underlined with '===' or '---' takes every line of text above it, and only
    text: '> quote' or '- item' then '---' is a quote or list and then a line across."""

    def _underline(self, block: str) -> int | None:
        lines = block.split("\n")
        if _indent(lines[0]) >= 4:
            return None
        for index, line in enumerate(lines):
            if index and _UNDERLINE.match(line):
                return index
            if not _paragraph_text(line, first=not index):
                return None
        return None

    def test(self, parent: ET.Element, block: str) -> bool:
        return self._underline(block) is not None

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        at = self._underline(blocks[0])
        assert at is not None
        lines = blocks.pop(0).split("\n")
        heading = ET.SubElement(parent, "h1" if lines[at].strip().startswith("=") else "h2")
        heading.text = "\n".join(line.strip() for line in lines[:at])
        if at + 1 < len(lines):
            blocks.insert(0, "\n".join(lines[at + 1:]))


_QUOTE_MARKS = re.compile(r"^(?: {0,3}> ?)+")


class CommonMarkQuoteProcessor(BlockQuoteProcessor):
    """Where a quote ends, as in CommonMark: at an empty line ('> a', an empty line, '> b' are
    two quotes; python-markdown joined them), and at a line without '>' unless it carries
    on the quote's last sentence (after '>' alone on a line, 'Normal text' is outside)."""

    def lastChild(self, parent: ET.Element) -> ET.Element | None:
        return None  # only asked for the quote above, to join this one to it

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        block = blocks[0]
        found = self.RE.search(block)
        if found is None:  # pragma: no cover - test() matched this block
            super().run(parent, blocks)
            return
        start = found.start() + (found.group(1) == "\n")
        lines = block[start:].split("\n")
        end, previous = 1, _QUOTE_MARKS.sub("", lines[0])
        while end < len(lines):
            line = lines[end]
            if not self.RE.match(line):
                lazy = (previous.strip() and not _BLOCK_START.match(previous)
                        and not _RULE.match(previous) and not _BLOCK_START.match(line)
                        and not _RULE.match(line) and not _item_mark(line))
                if not lazy:
                    break
            previous = _QUOTE_MARKS.sub("", line)
            end += 1
        rest, kept = lines[end:], lines[:end]
        while len(kept) > 1 and not _QUOTE_MARKS.sub("", kept[-1]).strip():
            kept.pop()  # '>' alone at the end adds nothing, and would end the text with '\n'
        blocks[0] = block[:start] + "\n".join(kept)
        if rest:
            blocks.insert(1, "\n".join(rest))
        super().run(parent, blocks)


class BackslashLineBreak(InlineProcessor):
    """A backslash at the end of a line breaks the line (CommonMark), like two spaces do."""

    # InlineProcessor's handleMatch takes ``data`` where Pattern's does not (as in the stubs).
    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[ET.Element, int, int]:
        return ET.Element("br"), m.start(0), m.end(0)


class CommonMarkHabits(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        parser = md.parser
        for name in ("indent", "olist", "ulist"):
            if name in parser.blockprocessors:
                parser.blockprocessors.deregister(name)
        # Above setext headings and lines across the page, so '- foo' then '-' stays a list.
        parser.blockprocessors.register(CommonMarkListProcessor(parser), "cm_list", 65)
        parser.blockprocessors.register(CommonMarkHeadingProcessor(parser), "hashheader", 70)
        parser.blockprocessors.register(CommonMarkSetextProcessor(parser), "setextheader", 60)
        parser.blockprocessors.register(CommonMarkQuoteProcessor(parser), "quote", 20)
        # Just above plain paragraphs: every other kind of block has had its turn.
        parser.blockprocessors.register(ListInterruptsParagraph(parser), "cm_list_break", 11)
        # Before backslash escapes (180), which would keep the backslash as text.
        md.inlinePatterns.register(BackslashLineBreak(r"\\\n", md), "cm_backslash_br", 185)
        # CommonMark lets a backslash keep any ASCII punctuation as itself ('\$', '\"').
        md.ESCAPED_CHARS = sorted(set(md.ESCAPED_CHARS) | set(string.punctuation))
