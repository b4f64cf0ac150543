"""Load a content folder into sections, collecting every problem with its file and line.

A content folder holds one sub-folder per language (``en/``, ``es/``) of ``NN-slug.md`` files
and an ``images/`` folder. Loading never raises for bad content: it returns what is wrong so
``kiosk check`` can list it and the running kiosk can keep its last good content.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.content import frontmatter
from kiosk.content.images import check_image
from kiosk.content.markdown_body import (
    SECTION_SCHEME,
    SIGNUP_TARGET,
    Link,
    check_body,
    is_internal,
    render_html,
)
from kiosk.content.model import ContentSet, Problem, Section, Severity

log = logging.getLogger(__name__)

IMAGES_FOLDER = "images"
MAX_SECTION_BYTES = 256 * 1024
_FILE_NAME = re.compile(r"^(?:(\d{1,4})-)?([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
# Editor backups and swap files appear while staff edit; they are not content.
_IGNORED = re.compile(r"^\.|~$|\.swp$|\.swx$|\.tmp$|^#.*#$")

Fingerprint = tuple[tuple[str, int, int], ...]


@dataclass
class LoadResult:
    content: ContentSet | None
    problems: list[Problem] = field(default_factory=list)
    fingerprint: Fingerprint = ()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return self.content is not None and not self.errors


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


def fingerprint(root: Path, languages: tuple[str, ...]) -> Fingerprint:
    """Name, size and change time of every content file: equal fingerprints, same content."""
    entries: list[tuple[str, int, int]] = []
    for folder in (*languages, IMAGES_FOLDER):
        directory = root / folder
        try:
            children = sorted(directory.iterdir())
        except OSError:
            continue
        for child in children:
            try:
                stat = child.stat()
            except OSError:
                continue
            entries.append((f"{folder}/{child.name}", stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def _decode(path: Path, data: bytes) -> tuple[str | None, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return None, Problem(
            path, line, "this file is not saved as UTF-8 text; save it again choosing UTF-8"
        )


def _read_draft(path: Path, images: Path) -> _Draft | None:
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
    if image:
        line = fields.line_of("image")
        if "/" in image or "\\" in image or image.startswith("."):
            problems.append(Problem(
                path, line, f"'image' must be just a file name from the images folder, "
                            f"not {image!r}"))
        else:
            reason = check_image(images / image)
            if reason:
                problems.append(Problem(path, line, reason))

    links: list[Link] = []
    if not fields.errors or fields.body:
        report = check_body(fields.body, fields.body_first_line)
        problems.extend(Problem(path, line, message) for line, message in report.errors)
        for link in report.links:
            if not is_internal(link.target):
                problems.append(Problem(
                    path, link.line, f"the link '{link.target}' would leave the kiosk; links may "
                                     f"only go to another page ({SECTION_SCHEME}slug) or the "
                                     f"sign-up page ({SIGNUP_TARGET})"))
        links = report.links
    return _Draft(path, name.group(2), order, order_line, fields, problems, links)


def _load_language(
    folder: Path, images: Path, *, required: bool
) -> tuple[list[_Draft], list[Problem]]:
    problems: list[Problem] = []
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
        draft = _read_draft(path, images)
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
                        f"the link '{target}' points to a page that does not exist; pages are: "
                        f"{', '.join(sorted(known_slugs))}"))


def _to_section(draft: _Draft, images: Path, language: str) -> Section:
    values = draft.fields.values
    assert draft.order is not None
    return Section(
        slug=draft.slug,
        order=draft.order,
        title=values["title"],
        image=images / values["image"],
        image_alt=values["image_alt"],
        html=render_html(draft.fields.body),
        language=language,
        source=draft.path,
    )


def load_content(root: Path, languages: tuple[str, ...], default_language: str) -> LoadResult:
    """Load and check every language under ``root``; ``content`` is None if any error."""
    before = fingerprint(root, languages)
    images = root / IMAGES_FOLDER
    problems: list[Problem] = []
    if not root.is_dir():
        return LoadResult(None, [Problem(root, 1, "the content folder does not exist")], before)
    if not images.is_dir():
        problems.append(Problem(images, 1, "the images folder is missing"))

    drafts_by_language: dict[str, list[_Draft]] = {}
    for language in languages:
        drafts, folder_problems = _load_language(
            root / language, images, required=language == default_language
        )
        drafts_by_language[language] = drafts
        problems.extend(folder_problems)

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
