"""A section file as the desk's form sees it: fields and a body, read from and written to the
file format `kiosk check` reads, with the line each field lands on. Qt-free.

Staff fill in a form, never the ``---`` block: the form's fields become front-matter lines in
a fixed order, so every problem the check reports at a line can be shown beside the field or
the body line it came from. Review fields are written even when empty: that is how a page
says it has not been reviewed yet, and only a clinician fills them in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.content import frontmatter

REVIEW_COMMENT = "# Review: a clinician fills these in after checking the page against its sources."
_FILE_NAME = re.compile(r"^(?:(\d{1,4})-)?([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


@dataclass
class SectionDraft:
    title: str = ""
    image: str = ""
    image_alt: str = ""
    order: int | None = None
    reviewed_by: str = ""
    reviewed_on: str = ""
    sources: list[str] = field(default_factory=list)
    more_info: str = ""
    body: str = ""

    def text(self) -> str:
        """The file, as `kiosk check` reads it."""
        return "".join(line + "\n" for line in self._lines()) + self.body.rstrip("\n") + "\n"

    def _lines(self) -> list[str]:
        lines = [frontmatter.FENCE, f"title: {self.title}", f"image: {self.image}",
                 f"image_alt: {self.image_alt}"]
        if self.order is not None:
            lines.append(f"order: {self.order}")
        lines += [REVIEW_COMMENT, f"reviewed_by: {self.reviewed_by}".rstrip(),
                  f"reviewed_on: {self.reviewed_on}".rstrip()]
        lines += [f"source: {source}" for source in self.sources if source.strip()]
        if self.more_info:
            lines.append(f"more_info: {self.more_info}")
        lines.append(frontmatter.FENCE)
        return lines


def locate(text: str, line: int) -> tuple[str, int]:
    """Which form field line ``line`` of the file ``text`` belongs to, and for ``body`` the
    body's own line; read from the file itself, so a page written by hand maps as well."""
    parsed = frontmatter.parse(text)
    if parsed.body_first_line > 1 and line >= parsed.body_first_line:
        return "body", line - parsed.body_first_line + 1
    for key, number in parsed.lines.items():
        if number == line:
            return ("sources", 1) if key == "source" else (key, 1)
    sources = [number for number, _value in parsed.repeated.get("source", [])]
    if line in sources:
        return "sources", sources.index(line) + 1
    return "title", 1


def read_draft(text: str) -> SectionDraft:
    """The form's fields from a section file (what the check would complain about stays in
    the values, so the form shows it and the check reports it)."""
    parsed = frontmatter.parse(text)
    values = parsed.values
    order = values.get("order", "")
    return SectionDraft(
        title=values.get("title", ""), image=values.get("image", ""),
        image_alt=values.get("image_alt", ""),
        order=int(order) if order.isdigit() else None,
        reviewed_by=values.get("reviewed_by", ""), reviewed_on=values.get("reviewed_on", ""),
        sources=[value for _line, value in parsed.repeated.get("source", [])],
        more_info=values.get("more_info", ""), body=parsed.body)


def slug_of(path: Path) -> str:
    match = _FILE_NAME.match(path.name)
    return match.group(2) if match else path.stem


def order_of(path: Path) -> int:
    match = _FILE_NAME.match(path.name)
    return int(match.group(1)) if match and match.group(1) else 0


def file_name(order: int, slug: str) -> str:
    return f"{order:02d}-{slug}.md"


def slug_for(title: str) -> str:
    """A file slug from an English title: lower-case words joined by dashes."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:6]) or "new-page"
