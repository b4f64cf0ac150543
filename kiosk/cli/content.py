"""``kiosk check`` and ``kiosk publish``: content problems as ``file:line: message``."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk.cli.arguments import Check, Publish
from kiosk.cli.exits import EXIT_ERROR
from kiosk.config import DEFAULT_CONFIG, I18N_DIR, Settings
from kiosk.content.last_good import load_live
from kiosk.content.model import Problem, Severity, escaped
from kiosk.content.review import describe_review
from kiosk.contrast import theme_problems
from kiosk.i18n import check_strings
from kiosk.signups.entry import ERROR_STRINGS
from kiosk.speech import content_reading_problems
from kiosk.take_home import content_problems as take_home_problems


def check(args: Check, settings: Settings) -> int:
    """Print each problem as ``file:line: message``; exit 1 if there is any error."""
    root = settings.content_dir
    result = load_live(settings)
    # Buttons and messages too: a language whose strings are broken shows English instead.
    problems = [*result.problems, *check_strings(I18N_DIR, settings.languages, ERROR_STRINGS),
                *theme_problems(settings.theme, args.config or DEFAULT_CONFIG),
                # What the Listen button would read badly (a web address, "Dr.").
                *(content_reading_problems(result.content) if result.content else []),
                # A page's QR code only to the clinic's own https pages.
                *(take_home_problems(result.content, settings.take_home)
                  if result.content else [])]
    _print_problems(problems)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    if errors:
        print(f"{errors} error(s), {warnings} warning(s) in {escaped(root)}: "
              "the kiosk keeps showing its last good content until these are fixed.",
              file=sys.stderr)
        return 1
    assert result.content is not None
    if args.reviews:
        for language in settings.languages:
            for section in result.content.by_language.get(language, ()):
                for line in describe_review(section.review):
                    print(f"{escaped(_shown(section.source))}: {line}")
    pages = len(result.content.sections())
    print(f"OK: {pages} pages in {escaped(root)}"
          + (f", {warnings} warning(s)" if warnings else ""))
    return 0


def _print_problems(problems: Sequence[Problem]) -> None:
    """Each problem as ``file:line: message``, paths relative to here when they can be;
    ``Problem.__str__`` escapes control characters, so a file name cannot forge a line."""
    for problem in problems:
        print(dataclasses.replace(problem, path=_shown(problem.path)))


def _shown(path: Path) -> Path:
    """``path`` relative to the current folder when it is inside it (shorter to read)."""
    cwd = Path.cwd()
    return path.relative_to(cwd) if path.is_relative_to(cwd) else path


def publish(args: Publish, settings: Settings) -> int:
    """Check SRC; if it has no errors, swap it in for the configured content folder."""
    from kiosk.content.publish import publish as publish_folder

    source = args.source.resolve()
    if source == settings.content_dir:
        print(f"error: {escaped(source)} is already the kiosk's content folder; publish a "
              "copy you edited elsewhere", file=sys.stderr)
        return EXIT_ERROR
    try:
        done = publish_folder(source, settings)
    except OSError as e:
        print(f"error: nothing was changed: {escaped(e)}", file=sys.stderr)
        return EXIT_ERROR
    _print_problems(done.result.problems)
    if not done.swapped or done.result.content is None:
        errors = len(done.result.errors)
        print(f"{errors} error(s) in {escaped(source)}: nothing was published; the kiosk "
              "keeps its content.", file=sys.stderr)
        return EXIT_ERROR
    pages = len(done.result.content.sections())
    print(f"Published {pages} pages from {escaped(source)} to "
          f"{escaped(settings.content_dir)}; the kiosk shows them within "
          f"{settings.reload_settle_ms // 1000 + 1} seconds.")
    return 0
