"""Compare the kiosk's page with what CommonMark makes of the same Markdown.

Staff learn Markdown from editors that follow CommonMark (GitHub, Obsidian, chat apps). The
kiosk renders with python-markdown; where the two would build a different page (a list that
runs into the line above it, a heading that is not one, stars shown as stars), ``kiosk check``
says so on the line, in plain words, with the fix.

markdown-it-py (CommonMark-compliant, 654 of the spec's 655 examples) is the yardstick. Both
results are reduced to an outline of what a patient sees: headings, paragraphs, lists and
their items (with the first number), quotes, emphasis, links that the kiosk keeps, line
breaks, and the words. Exact HTML, tight or loose lists (spacing only) and the spaces
between words are left out.
"""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

from kiosk.content.markdown_body import is_internal

# Each page's problems are listed with the rest of ``check``; a page that differs in many
# places usually has one habit repeated, so the first few say enough.
MAX_REPORTS = 3


@dataclass(frozen=True)
class Mark:
    """One step of the outline: ``kind`` is compared, ``line`` only locates it."""

    kind: str
    line: int


Outline = list[list[Mark]]  # one list of marks per top-level block

_BLOCK_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "blockquote",
               "pre", "hr", "table"}


class _Builder:
    """Collects marks, joining runs of text and dropping the paragraph inside a list item
    (python-markdown and CommonMark disagree on tight lists, which only changes spacing)."""

    def __init__(self) -> None:
        self.blocks: Outline = []
        self._text: list[str] = []
        self._text_line = 0
        self._open: list[str] = []
        self._starts: list[int] = []  # where each open mark is in its block's list
        self._ends: dict[int, int] = {}  # start -> end of each closed mark in this block
        self._skipped_p: list[bool] = []

    def text(self, value: str, line: int) -> None:
        if not self._text:
            self._text_line = line
        self._text.append(value)

    def _flush(self) -> None:
        words = " ".join("".join(self._text).split())
        self._text = []
        if words:
            self._add(Mark("text:" + words, self._text_line))

    def _add(self, mark: Mark) -> None:
        if not self._open or not self.blocks:
            self.blocks.append([])
        self.blocks[-1].append(mark)

    def open(self, kind: str, line: int) -> None:
        self._flush()
        if kind == "p" and self._open and self._open[-1] == "li":
            self._skipped_p.append(True)
            self._open.append("p")
            self._starts.append(-1)
            return
        if kind == "p":
            self._skipped_p.append(False)
        if not self._open:
            self.blocks.append([])
            self._ends = {}
        self.blocks[-1].append(Mark(kind + "(", line))
        self._open.append(kind.split("=")[0])
        self._starts.append(len(self.blocks[-1]) - 1)

    def close(self, line: int) -> None:
        self._flush()
        if not self._open:
            return  # an end with no start: never from either parser, but never a crash
        kind = self._open.pop()
        start = self._starts.pop()
        if kind == "p" and self._skipped_p.pop():
            return
        marks = self.blocks[-1]
        marks.append(Mark(")", line))
        self._ends[start] = len(marks) - 1
        self._order_emphasis(start)

    def _order_emphasis(self, start: int) -> None:
        """'***x***' is bold and slanted whichever of the two is outside (CommonMark puts
        <em> outside, python-markdown <strong>): sort a chain of them, <strong> first."""
        marks = self.blocks[-1]
        chain, end = [start], self._ends[start]
        while self._ends.get(chain[-1] + 1) == end - 1:
            chain.append(chain[-1] + 1)
            end -= 1
        kinds = [marks[i].kind for i in chain]
        if len(chain) > 1 and set(kinds) <= {"em(", "strong("}:
            for i, kind in zip(chain, sorted(kinds, reverse=True), strict=True):
                marks[i] = Mark(kind, marks[i].line)

    def leaf(self, kind: str, line: int) -> None:
        self._flush()
        self._add(Mark(kind, line))

    def done(self) -> Outline:
        self._flush()
        return self.blocks


# -- CommonMark's outline, from markdown-it-py's tokens --------------------------------------

_mdit = threading.local()


def _parser() -> MarkdownIt:
    parser: MarkdownIt | None = getattr(_mdit, "parser", None)
    if parser is None:
        # html off: the kiosk shows raw HTML as text; tables on: the kiosk renders them.
        parser = _mdit.parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    return parser


def _block_kind(token: Token) -> str | None:
    if token.type == "heading_open":
        return token.tag
    if token.type == "ordered_list_open":
        start = token.attrGet("start")
        return f"ol={1 if start is None else start}"
    return {"paragraph_open": "p", "bullet_list_open": "ul", "list_item_open": "li",
            "blockquote_open": "blockquote"}.get(token.type)


def commonmark_outline(body: str, first_line: int = 1) -> Outline:
    builder = _Builder()
    tokens = _parser().parse(body)
    line = first_line
    table_depth = 0
    for token in tokens:
        if token.map is not None:
            line = first_line + token.map[0]
        if token.type == "table_open":
            table_depth += 1
            if table_depth == 1:
                builder.leaf("table", line)
            continue
        if token.type == "table_close":
            table_depth -= 1
            continue
        if table_depth:
            continue
        kind = _block_kind(token)
        if kind is not None:
            builder.open(kind, line)
        elif token.nesting == -1:
            builder.close(line)
        elif token.type == "hr":
            builder.leaf("hr", line)
        elif token.type in ("code_block", "fence"):
            builder.open("pre", line)
            builder.text(token.content, line)
            builder.close(line)
        elif token.type == "html_block":  # not with html off; kept for completeness
            builder.text(token.content, line)
        elif token.type == "inline":
            _inline(builder, token.children or [], line)
    return builder.done()


def _inline(builder: _Builder, children: list[Token], line: int) -> None:
    links: list[bool] = []  # for each open link: does the kiosk keep it?
    for child in children:
        kind = child.type
        if kind in ("text", "text_special", "html_inline"):
            builder.text(child.content, line)
        elif kind == "softbreak":
            builder.text("\n", line)
            line += 1
        elif kind == "hardbreak":
            builder.leaf("br", line)
            line += 1
        elif kind == "code_inline":
            builder.open("code", line)
            builder.text(child.content, line)
            builder.close(line)
        elif kind == "image":
            # The kiosk shows a picture in the text as its words (and check refuses it).
            builder.text(child.content, line)
        elif kind == "link_open":
            href = str(child.attrGet("href") or "")
            links.append(is_internal(href))
            if links[-1]:
                builder.open("a=" + href, line)
        elif kind == "link_close":
            if links.pop():
                builder.close(line)
        elif kind in ("em_open", "strong_open", "s_open"):
            builder.open(child.tag, line)
        elif kind in ("em_close", "strong_close", "s_close"):
            builder.close(line)
        line += child.content.count("\n") if kind != "softbreak" else 0


# -- The kiosk's outline, from the HTML it shows ---------------------------------------------

class _KioskHtml(HTMLParser):
    _INLINE = frozenset({"em", "strong", "code", "del", "s"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = _Builder()
        self._ignored: list[bool] = []  # for each open tag: left out of the outline?
        self._table = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table += 1
            if self._table == 1:
                self.builder.leaf("table", 0)
        if self._table or tag in ("br", "hr", "img"):
            if not self._table and tag in ("br", "hr"):
                self.builder.leaf(tag, 0)
            return
        values = dict(attrs)
        if tag == "ol":
            kind: str | None = f"ol={values.get('start') or 1}"
        elif tag == "a" and is_internal(values.get("href") or ""):
            kind = "a=" + (values.get("href") or "")
        elif tag in _BLOCK_TAGS or tag in self._INLINE:
            kind = {"del": "s"}.get(tag, tag)
        else:
            kind = None  # span (a link or picture the kiosk took out), pre's code...
        self._ignored.append(kind is None)
        if kind is not None:
            self.builder.open(kind, 0)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table -= 1
            return
        if self._table or tag in ("br", "hr", "img") or not self._ignored:
            return
        if not self._ignored.pop():
            self.builder.close(0)

    def handle_data(self, data: str) -> None:
        if not self._table:
            self.builder.text(data, 0)


def kiosk_outline(html: str) -> Outline:
    parser = _KioskHtml()
    parser.feed(html)
    parser.close()
    return parser.builder.done()


# -- Where they differ, and what to tell staff ------------------------------------------------

def _kinds(block: list[Mark]) -> tuple[str, ...]:
    return tuple(mark.kind for mark in block)


def differences(body: str, html: str, first_line: int) -> list[tuple[int, str]]:
    """``(line, message)`` for each place where the kiosk's page (``html``, rendered from
    ``body``) would be built differently by a CommonMark editor; at most ``MAX_REPORTS``."""
    expected = commonmark_outline(body, first_line)
    shown = kiosk_outline(html)
    reports: list[tuple[int, str]] = []
    for tag, e1, e2, s1, s2 in _aligned([_kinds(b) for b in expected],
                                        [_kinds(b) for b in shown]):
        if tag == "equal":
            continue
        want = [mark for block in expected[e1:e2] for mark in block]
        got = [mark for block in shown[s1:s2] for mark in block]
        if not want:  # the kiosk has a block CommonMark does not: point at the next one
            after = expected[e1] if e1 < len(expected) else expected[-1] if expected else []
            line = after[0].line if after else first_line
            reports.append((line, _advice("", _first_kind(got), "")))
        else:
            at = _first_difference(want, got)
            mark = want[min(at, len(want) - 1)]
            words = " ".join(m.kind for m in (want[at:at + 1] + got[at:at + 1])
                             if m.kind.startswith("text:"))
            reports.append((mark.line, _advice(_context(want, at),
                                               got[at].kind if at < len(got) else "", words)))
        if len(reports) >= MAX_REPORTS:
            break
    return reports


# difflib's alignment takes time in the square of the blocks when many are alike (a page of
# 5,000 one-line quotes took 5 s); past this many differing blocks, the rest is one change.
MAX_ALIGNED = 200

Opcode = tuple[str, int, int, int, int]


def _aligned(want: list[tuple[str, ...]], got: list[tuple[str, ...]]) -> list[Opcode]:
    """difflib's opcodes for two lists of blocks, the same blocks at both ends set aside."""
    head = 0
    while head < min(len(want), len(got)) and want[head] == got[head]:
        head += 1
    tail = 0
    while (tail < min(len(want), len(got)) - head
           and want[len(want) - 1 - tail] == got[len(got) - 1 - tail]):
        tail += 1
    middle_want, middle_got = want[head:len(want) - tail], got[head:len(got) - tail]
    if not middle_want and not middle_got:
        return []
    if max(len(middle_want), len(middle_got)) > MAX_ALIGNED:
        return [("replace", head, len(want) - tail, head, len(got) - tail)]
    matcher = difflib.SequenceMatcher(None, middle_want, middle_got, autojunk=False)
    return [(tag, e1 + head, e2 + head, s1 + head, s2 + head)
            for tag, e1, e2, s1, s2 in matcher.get_opcodes()]


def _first_kind(marks: list[Mark]) -> str:
    return marks[0].kind if marks else ""


def _first_difference(want: list[Mark], got: list[Mark]) -> int:
    for index, (a, b) in enumerate(zip(want, got, strict=False)):
        if a.kind != b.kind:
            return index
    return min(len(want), len(got))


def _context(marks: list[Mark], at: int) -> str:
    """The kind of the mark where CommonMark's outline departs from the kiosk's, or of the
    innermost thing open there when it departs on words."""
    if at < len(marks) and not marks[at].kind.startswith("text:") and marks[at].kind != ")":
        return marks[at].kind
    depth = 0
    for mark in reversed(marks[:at]):
        if mark.kind == ")":
            depth += 1
        elif mark.kind.endswith("("):
            if depth == 0:
                return mark.kind
            depth -= 1
    return marks[at].kind if at < len(marks) else ""


_FALLBACK = ("the kiosk shows this part differently from other Markdown editors; keep to "
             "the simple forms in the content guide: an empty line between paragraphs, "
             "lists, quotes and headings")


def _advice(want: str, got: str, words: str) -> str:
    """Plain words for a difference: ``want`` is what CommonMark has there, ``got`` what the
    kiosk has (either may be empty), ``words`` the text of either where they differ."""
    name = want.rstrip("(").split("=")[0]
    if name == "hr":
        return ("other editors draw a line across the page here; write it as '---' alone on "
                "its line, with an empty line above it")
    if name in ("ul", "ol", "li"):
        if got.startswith("text:") or got == "p(":
            return ("this list runs into the text above it on the kiosk; leave an empty line "
                    "above this list")
        return ("the kiosk puts this list item in a different list than other editors do; "
                "indent an item inside another item by 4 spaces, and start the items of one "
                "list with the same kind of mark ('-' or '1.')")
    if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return ("the kiosk does not show this as a heading; start the heading line with "
                "'#' and a space, with an empty line above and below it")
    if name == "blockquote":
        return ("the kiosk does not show this quote as other editors do; start every line "
                "of the quote with '>' and leave an empty line above and below it")
    if name in ("em", "strong"):
        return ("the kiosk shows the stars or underscores here differently from other "
                "editors; put '**' right against the words they make bold, with no space "
                "inside, like '**heat**', and use '*' rather than '_'")
    if name == "a":
        return ("the kiosk reads this link differently from other editors; write links as "
                "[words](section:page-name), on one line")
    if name == "br":
        return ("the kiosk does not break the line here; to start a new line, end the line "
                "above with a backslash '\\'")
    if name == "p" or name.startswith("text:"):
        if got in ("ul(", "li(") or got.startswith("ol="):
            return ("the kiosk shows this as a list, other editors do not; leave an empty "
                    "line above the list, or put a backslash '\\' before the mark if it is "
                    "not a list")
        if got.startswith("h") and got[1:2].isdigit():
            return ("the kiosk shows this line as a heading, other editors do not; put an "
                    "empty line between the text and the heading")
        if got in ("em(", "strong("):
            return ("the kiosk makes words bold or slanted here where other editors show "
                    "the stars; put a backslash '\\' before a star that is meant as a star")
    if "[" in words or "]" in words:
        return ("the kiosk reads the square brackets here differently from other editors; "
                "write a link as [words](section:page-name) with no brackets inside the words "
                "and no spaces in the target, or put a backslash '\\' before a bracket that "
                "is not a link")
    if "*" in words or "_" in words:
        return _advice("em(", "", "")
    return _FALLBACK
