"""Load a content folder into sections, collecting every problem with its file and line.

A content folder holds one sub-folder per language (``en/``, ``es/``) of ``NN-slug.md`` files
and an ``images/`` folder. Loading never raises for bad content: it returns what is wrong so
``kiosk check`` can list it and the running kiosk can keep its last good content.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kiosk.content import frontmatter
from kiosk.content.commonmark_yardstick import differences
from kiosk.content.drawing_cost import DrawingBudget, judge_drawings
from kiosk.content.files import (
    IMAGES_FOLDER,
    fingerprint,
    link_problem,
    picture_folder_problems,
    unreadable_name,
)
from kiosk.content.folder_budget import FolderBudget, budget_problems
from kiosk.content.images import check_image
from kiosk.content.markdown_body import (
    DEFAULT_PAGE_VALUES,
    SECTION_SCHEME,
    SIGNUP_TARGET,
    Link,
    check_body,
    fill_placeholders,
    is_internal,
    render_html,
    shorten,
)
from kiosk.content.model import ContentSet, Problem, Review, Section, Severity
from kiosk.content.result import LoadResult as LoadResult  # for those who import it from here
from kiosk.content.review import read_review

log = logging.getLogger(__name__)

# A page is a few short paragraphs (the shipped ones are under 1 KB); 64 KB is ten thousand
# words, and keeps a hostile file's check to about a second.
MAX_SECTION_BYTES = 64 * 1024
# Past this many problems in one file the rest are counted, not listed (a hostile file can
# have one on every line, and each one is also a line in the kiosk's log).
MAX_PROBLEMS_PER_FILE = 20
_FILE_NAME = re.compile(r"^(?:(\d{1,4})-)?([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
# Editor backups and swap files appear while staff edit; they are not content.
_IGNORED = re.compile(r"^\.|~$|\.swp$|\.swx$|\.tmp$|^#.*#$")

@dataclass
class _Draft:
    """A section file read and checked on its own, before cross-file checks."""

    path: Path
    slug: str
    order: int | None
    order_line: int
    fields: frontmatter.FrontMatter
    problems: list[Problem]
    links: list[Link] = field(default_factory=list)
    html: str = ""
    review: Review = field(default_factory=Review)
    # The drawing the page shows, once its static checks passed: its cost is measured next.
    drawing: Path | None = None


def _limited(path: Path, problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS_PER_FILE:
        return problems
    kept = sorted(problems)[:MAX_PROBLEMS_PER_FILE]
    rest = len(problems) - len(kept)
    return [*kept, Problem(path, kept[-1].line, f"... and {rest} more problems in this file; "
                                                 "fix these first")]


def _decode(path: Path, data: bytes) -> tuple[str | None, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return None, Problem(
            path, line, "this file is not saved as UTF-8 text; save it again choosing UTF-8"
        )


def _read_draft(path: Path, images: Path, root: Path, values: Mapping[str, str],
                today: date) -> _Draft | None:
    name = _FILE_NAME.match(path.name)
    problems: list[Problem] = []
    if name is None:
        problems.append(Problem(
            path, 1, "file names must look like '10-what-is-sciatica.md': a number, a dash, "
                     "then lower-case words joined by dashes"))
        return _Draft(path, path.stem, None, 1, frontmatter.FrontMatter(), problems)
    try:
        size = path.stat().st_size
        if size > MAX_SECTION_BYTES:
            problems.append(Problem(
                path, 1, f"the file is {size // 1024} KB; a section should be one short page "
                         f"(under {MAX_SECTION_BYTES // 1024} KB)"))
            return _Draft(path, name.group(2), None, 1, frontmatter.FrontMatter(), problems)
        data = path.read_bytes()
    except OSError as e:
        problems.append(Problem(path, 1, f"cannot read this file: {e.strerror}"))
        return _Draft(path, name.group(2), None, 1, frontmatter.FrontMatter(), problems)

    text, problem = _decode(path, data)
    if text is None:
        assert problem is not None
        return _Draft(path, name.group(2), None, 1, frontmatter.FrontMatter(), [problem])
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.append(Problem(path, line, "this file contains binary data, not text"))
        return _Draft(path, name.group(2), None, 1, frontmatter.FrontMatter(), problems)

    fields = frontmatter.parse(text.replace("\r\n", "\n").replace("\r", "\n"))
    problems.extend(Problem(path, line, message) for line, message in fields.errors)

    order: int | None = int(name.group(1)) if name.group(1) else None
    order_line = 1
    if "order" in fields.values:
        order_line = fields.line_of("order")
        try:
            order = int(fields.values["order"])
        except ValueError:
            given = fields.values["order"]
            problems.append(Problem(
                path, order_line, f"'order' must be a whole number, not {given!r}"))
    if order is None and not any(p.line == order_line for p in problems):
        problems.append(Problem(
            path, 1, "no page order: start the file name with a number (10-...) or add 'order:'"))

    image = fields.values.get("image")
    drawing: Path | None = None
    if image:
        line = fields.line_of("image")
        if "/" in image or "\\" in image or image.startswith("."):
            problems.append(Problem(
                path, line, f"'image' must be just a file name from the images folder, "
                            f"not {image!r}"))
        else:
            reason = link_problem(images / image, root)
            reason = f"the picture '{image}': {reason}" if reason else check_image(images / image)
            if reason:
                problems.append(Problem(path, line, reason))
            elif image.lower().endswith(".svg"):
                drawing = images / image

    review, review_errors, review_warnings = read_review(fields, today)
    problems.extend(Problem(path, line, message) for line, message in review_errors)
    problems.extend(Problem(path, line, message, Severity.WARNING)
                    for line, message in review_warnings)

    links: list[Link] = []
    if not fields.errors or fields.body:
        report = check_body(fields.body, fields.body_first_line)
        problems.extend(Problem(path, line, message) for line, message in report.errors)
        for link in report.links:
            if not is_internal(link.target):
                problems.append(Problem(
                    path, link.line, f"the link '{shorten(link.target)}' would leave the kiosk; "
                                     f"links may only go to another page ({SECTION_SCHEME}slug) "
                                     f"or the sign-up page ({SIGNUP_TARGET})"))
        links = report.links
    html = ""
    if not any(p.severity is Severity.ERROR for p in problems):
        try:
            html = render_html(fields.body, values)
        except RecursionError:
            # The nesting check should have stopped this; never let a page take the loader down.
            problems.append(Problem(path, fields.body_first_line,
                                    "this page is nested too deeply to show; use fewer levels "
                                    "of lists and quotes"))
    return _Draft(path, name.group(2), order, order_line, fields, _limited(path, problems),
                  links, html, review=review, drawing=drawing)


def _load_language(
    folder: Path, images: Path, root: Path, values: Mapping[str, str], today: date, *,
    required: bool
) -> tuple[list[_Draft], list[Problem]]:
    problems: list[Problem] = []
    reason = link_problem(folder, root)
    if reason:
        return [], [Problem(folder, 1, reason)]
    if not folder.is_dir():
        if required:
            problems.append(Problem(folder, 1, "this language folder is missing"))
        return [], problems
    drafts: list[_Draft] = []
    try:
        children = sorted(folder.iterdir())
    except OSError as e:
        return [], [Problem(folder, 1, f"cannot list this folder: {e.strerror}")]
    for path in children:
        if _IGNORED.search(path.name):
            continue
        bad_name = unreadable_name(path)
        if bad_name:
            problems.append(bad_name)
            continue
        reason = link_problem(path, root)
        if reason:
            problems.append(Problem(path, 1, reason))
            continue
        if path.suffix.lower() != ".md":
            problems.append(Problem(
                path, 1, "ignored: only .md files are pages", Severity.WARNING))
            continue
        try:
            is_file = path.is_file()
        except OSError:
            is_file = False
        if not is_file:
            problems.append(Problem(path, 1, "not a readable file (a broken link or a folder?)"))
            continue
        draft = _read_draft(path, images, root, values, today)
        if draft is not None:
            drafts.append(draft)
    if required and not drafts and not problems:
        problems.append(Problem(folder, 1, "there are no pages (.md files) in this folder"))
    return drafts, problems


def _cross_check(drafts: list[_Draft], known_slugs: set[str]) -> None:
    seen_order: dict[int, _Draft] = {}
    seen_slug: dict[str, _Draft] = {}
    for draft in sorted(drafts, key=lambda d: d.path.name):
        if draft.order is not None:
            first = seen_order.setdefault(draft.order, draft)
            if first is not draft:
                draft.problems.append(Problem(
                    draft.path, draft.order_line,
                    f"order {draft.order} is also used by {first.path.name}; each page needs "
                    "its own number"))
        first_slug = seen_slug.setdefault(draft.slug, draft)
        if first_slug is not draft:
            draft.problems.append(Problem(
                draft.path, 1, f"the page name '{draft.slug}' is also used by "
                               f"{first_slug.path.name}"))
        for link in draft.links:
            target = link.target
            if target.startswith(SECTION_SCHEME):
                slug = target[len(SECTION_SCHEME):]
                if slug not in known_slugs:
                    draft.problems.append(Problem(
                        draft.path, link.line,
                        f"the link '{shorten(target)}' points to a page that does not exist; "
                        f"pages are: {', '.join(sorted(known_slugs))}"))


def _to_section(draft: _Draft, images: Path, language: str) -> Section:
    values = draft.fields.values
    assert draft.order is not None
    return Section(
        slug=draft.slug,
        order=draft.order,
        title=values["title"],
        image=images / values["image"],
        image_alt=values["image_alt"],
        html=draft.html,
        language=language,
        source=draft.path,
        review=draft.review,
        more_info=values.get("more_info", ""),
    )


def _drawing_cost_problems(root: Path, drafts: list[_Draft],
                           budget: DrawingBudget) -> list[Problem]:
    """Draw each drawing a page uses once (see drawing_cost.py); refuse those over budget
    at the 'image:' line of every page that uses them."""
    verdicts = judge_drawings([d.drawing for d in drafts if d.drawing is not None], budget)
    for draft in drafts:
        refused = verdicts.refused.get(draft.drawing) if draft.drawing else None
        if refused:
            draft.problems.append(Problem(draft.path, draft.fields.line_of("image"), refused))
    if verdicts.unmeasured and any(d.drawing for d in drafts):
        return [Problem(root / IMAGES_FOLDER, 1,
                        f"drawing times were not measured: {verdicts.unmeasured}; only the "
                        "shape counts were checked, so a slow drawing may pass here",
                        Severity.WARNING)]
    return []


def _used_files(drafts_by_language: dict[str, list[_Draft]]) -> set[str]:
    """``folder/name`` of every page and of every picture a page names."""
    used = set()
    for language, drafts in drafts_by_language.items():
        for draft in drafts:
            used.add(f"{language}/{draft.path.name}")
            if draft.fields.values.get("image"):
                used.add(f"{IMAGES_FOLDER}/{draft.fields.values['image']}")
    return used


def load_content(root: Path, languages: tuple[str, ...], default_language: str, *,
                 drawings: DrawingBudget | None = None,
                 folder: FolderBudget | None = None,
                 page_values: Mapping[str, str] = DEFAULT_PAGE_VALUES,
                 today: date | None = None, yardstick: bool = True) -> LoadResult:
    """Load and check every language under ``root``; ``content`` is None if any error.

    With ``drawings``, every drawing a page uses is also drawn once under that budget
    (a child process; cached by content); with ``folder``, the folder's size and file
    count are held to it. Without them only the per-file checks run. ``page_values`` fill
    the pages' ``{placeholders}`` (the clinic's emergency number); ``today`` is when review
    dates may not be after (the real date unless a test says). ``yardstick=False`` skips the
    CommonMark comparison (bench/markdown_habits.py times it)."""
    today = today or date.today()
    before = fingerprint(root, languages)
    images = root / IMAGES_FOLDER
    problems: list[Problem] = []
    if not root.is_dir():
        return LoadResult(None, [Problem(root, 1, "the content folder does not exist")], before)
    # Links inside the folder may point anywhere inside it, wherever the folder itself is.
    real_root = root.resolve()
    problems.extend(picture_folder_problems(images, real_root))

    drafts_by_language: dict[str, list[_Draft]] = {}
    for language in languages:
        drafts, folder_problems = _load_language(
            root / language, images, real_root, page_values, today,
            required=language == default_language
        )
        drafts_by_language[language] = drafts
        problems.extend(folder_problems)

    if drawings is not None:
        problems.extend(_drawing_cost_problems(
            root, [d for drafts in drafts_by_language.values() for d in drafts], drawings))
    if yardstick:  # where CommonMark editors would show a page otherwise: a warning
        for draft in (d for drafts in drafts_by_language.values() for d in drafts if d.html):
            draft.problems.extend(
                Problem(draft.path, line, message, Severity.WARNING) for line, message
                in differences(fill_placeholders(draft.fields.body, page_values), draft.html,
                               draft.fields.body_first_line))

    default_slugs = {d.slug for d in drafts_by_language.get(default_language, [])}
    for language, drafts in drafts_by_language.items():
        _cross_check(drafts, default_slugs | {d.slug for d in drafts})
        if language != default_language:
            for slug in sorted(default_slugs - {d.slug for d in drafts}):
                problems.append(Problem(
                    root / language, 1,
                    f"'{slug}' has no {language} version; the {default_language} page is shown",
                    Severity.WARNING))
            for draft in drafts:
                if draft.slug not in default_slugs:
                    draft.problems.append(Problem(
                        draft.path, 1, f"there is no {default_language} page named "
                                       f"'{draft.slug}'; add it there first", Severity.WARNING))
        for draft in drafts:
            problems.extend(draft.problems)
    if folder is not None:
        # Unused files are worth a warning only once the pages themselves are right.
        problems.extend(budget_problems(
            root, before, _used_files(drafts_by_language), folder,
            warn_unused=not any(p.severity is Severity.ERROR for p in problems)))

    problems.sort()
    if any(p.severity is Severity.ERROR for p in problems):
        return LoadResult(None, problems, before)
    by_language = {
        language: tuple(
            _to_section(d, images, language) for d in sorted(drafts, key=lambda d: d.order or 0)
        )
        for language, drafts in drafts_by_language.items()
    }
    return LoadResult(ContentSet(default_language, by_language), problems, before)
