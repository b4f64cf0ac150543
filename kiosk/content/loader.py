"""Load a content folder into sections, collecting every problem with its file and line.

A content folder holds one sub-folder per language (``en/``, ``es/``) of ``NN-slug.md`` files
and an ``images/`` folder. Loading never raises for bad content: it returns what is wrong so
``kiosk check`` can list it and the running kiosk can keep its last good content.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.content import frontmatter
from kiosk.content.commonmark_yardstick import differences
from kiosk.content.images import check_image
from kiosk.content.markdown_body import (
    SECTION_SCHEME,
    SIGNUP_TARGET,
    Link,
    check_body,
    is_internal,
    render_html,
    shorten,
)
from kiosk.content.model import ContentSet, Problem, Section, Severity

log = logging.getLogger(__name__)

IMAGES_FOLDER = "images"
# A page is a few short paragraphs (the shipped ones are under 1 KB); 64 KB is ten thousand
# words, and keeps a hostile file's check to about a second.
MAX_SECTION_BYTES = 64 * 1024
# Past this many problems in one file the rest are counted, not listed (a hostile file can
# have one on every line, and each one is also a line in the kiosk's log).
MAX_PROBLEMS_PER_FILE = 20
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
    html: str = ""


def content_files(directory: Path) -> list[tuple[Path, os.stat_result]]:
    """The regular files directly in ``directory`` (links followed), with their status.

    Sub-folders, devices, pipes and links that lead nowhere are not content: they are left
    out of fingerprints and of the last good copy, which take exactly these files.
    """
    try:
        children = sorted(directory.iterdir())
    except OSError:
        return []
    files = []
    for child in children:
        try:
            status = child.stat()
        except OSError:
            continue
        if stat.S_ISREG(status.st_mode):
            files.append((child, status))
    return files


def fingerprint(root: Path, languages: tuple[str, ...]) -> Fingerprint:
    """Name, size and change time of every content file: equal fingerprints, same content."""
    return tuple((f"{folder}/{child.name}", status.st_size, status.st_mtime_ns)
                 for folder in (*languages, IMAGES_FOLDER)
                 for child, status in content_files(root / folder))


def link_problem(path: Path, root: Path) -> str | None:
    """Why ``path`` must not be read: a link that leads out of ``root`` (the resolved content
    folder), nowhere, or round in a circle. None for ordinary files and links kept inside."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return ("this is a link to a file that is not there; put the file itself here"
                if path.is_symlink() else None)
    except (OSError, RuntimeError):
        return "this is a link that goes round in a circle; put the file itself here"
    if not target.is_relative_to(root):
        return ("this is a link to a file outside the content folder; the kiosk only shows "
                "files inside it, so put the file itself here")
    return None


def _unreadable_name(path: Path) -> Problem | None:
    """File names that are not UTF-8 cannot be named in a message, a link or a watch list."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        readable = os.fsencode(path.name).decode("utf-8", "replace")
        return Problem(path.parent, 1, f"the file name {readable!r} is not UTF-8 text; rename "
                                       "it using plain letters, digits and dashes")
    return None


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


def _read_draft(path: Path, images: Path, root: Path) -> _Draft | None:
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
            reason = link_problem(images / image, root)
            reason = f"the picture '{image}': {reason}" if reason else check_image(images / image)
            if reason:
                problems.append(Problem(path, line, reason))

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
            html = render_html(fields.body)
        except RecursionError:
            # The nesting check should have stopped this; never let a page take the loader down.
            problems.append(Problem(path, fields.body_first_line,
                                    "this page is nested too deeply to show; use fewer levels "
                                    "of lists and quotes"))
    return _Draft(path, name.group(2), order, order_line, fields, _limited(path, problems),
                  links, html)


def _load_language(
    folder: Path, images: Path, root: Path, *, required: bool
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
        bad_name = _unreadable_name(path)
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
        draft = _read_draft(path, images, root)
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
    )


def _picture_folder_problems(images: Path, root: Path) -> list[Problem]:
    """The images folder and every file in it, used or not: all of it is copied for showing,
    so nothing in it may lead outside the content folder."""
    reason = link_problem(images, root)
    if reason:
        return [Problem(images, 1, reason)]
    if not images.is_dir():
        return [Problem(images, 1, "the images folder is missing")]
    problems = []
    try:
        children = sorted(images.iterdir())
    except OSError as e:
        return [Problem(images, 1, f"cannot list this folder: {e.strerror}")]
    for path in children:
        bad_name = _unreadable_name(path)
        reason = None if bad_name else link_problem(path, root)
        if bad_name or reason:
            problems.append(bad_name or Problem(path, 1, str(reason)))
    return problems


def load_content(root: Path, languages: tuple[str, ...], default_language: str, *,
                 yardstick: bool = True) -> LoadResult:
    """Load and check every language under ``root``; ``content`` is None if any error.
    ``yardstick=False`` skips the CommonMark comparison (bench/markdown_habits.py times it)."""
    before = fingerprint(root, languages)
    images = root / IMAGES_FOLDER
    problems: list[Problem] = []
    if not root.is_dir():
        return LoadResult(None, [Problem(root, 1, "the content folder does not exist")], before)
    # Links inside the folder may point anywhere inside it, wherever the folder itself is.
    real_root = root.resolve()
    problems.extend(_picture_folder_problems(images, real_root))

    drafts_by_language: dict[str, list[_Draft]] = {}
    for language in languages:
        drafts, folder_problems = _load_language(
            root / language, images, real_root, required=language == default_language
        )
        drafts_by_language[language] = drafts
        problems.extend(folder_problems)

    if yardstick:  # where CommonMark editors would show a page otherwise: a warning
        for draft in (d for drafts in drafts_by_language.values() for d in drafts if d.html):
            draft.problems.extend(
                Problem(draft.path, line, message, Severity.WARNING) for line, message
                in differences(draft.fields.body, draft.html, draft.fields.body_first_line))

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
