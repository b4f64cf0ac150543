"""Where a problem from the check belongs in the words staff see: a page's title and field
(or the text's line, as the editor numbers it) instead of a file and a line."""

from __future__ import annotations

from pathlib import Path

from kiosk.content.changes import LANGUAGE_NAMES
from kiosk.content.loader import LoadResult
from kiosk.content.model import Severity
from kiosk.content.section_draft import locate, read_draft
from kiosk.ui.desk.pages.body_editor import LineProblem
from kiosk.ui.desk.pages.publisher import shown_path


def where(path: Path, line: int, folder: Path) -> str:
    """A problem's place: the page's title, then the field or the text's line; file:line for
    anything that is not a page in ``folder``."""
    if path.suffix != ".md" or not path.is_file() or not path.is_relative_to(folder):
        return f"{shown_path(path, folder)}:{line}"
    text = path.read_text(encoding="utf-8")
    draft = read_draft(text)
    field, field_line = locate(text, line)
    language = LANGUAGE_NAMES.get(path.parent.name, path.parent.name)
    place = f"line {field_line} of the text" if field == "body" else \
        field.replace("_", " ").replace("image alt", "picture description")
    return f"\u201c{draft.title}\u201d ({language}), {place}"


def problems_on(result: LoadResult, page: Path
                ) -> tuple[dict[str, list[str]], list[LineProblem]] | None:
    """The problems of ``page`` by form field, and those of its text by line; None if the
    page cannot be read."""
    try:
        text = page.read_text(encoding="utf-8")
    except OSError:
        return None
    by_field: dict[str, list[str]] = {}
    body: list[LineProblem] = []
    for problem in result.problems:
        if problem.path != page:
            continue
        field, line = locate(text, problem.line)
        error = problem.severity is Severity.ERROR
        if field == "body":
            body.append(LineProblem(line, problem.message, error))
        else:
            prefix = "" if error else "Advice: "
            by_field.setdefault(field, []).append(prefix + problem.message)
    return by_field, body
