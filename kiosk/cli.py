"""Command line: ``kiosk [run]``, ``kiosk check [DIR]``, ``kiosk preview DIR``.

The only module that prints; everything the kiosk does at run time goes to the log.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.config import ConfigError, load_settings
from kiosk.content.last_good import load_live
from kiosk.content.model import Severity

COMMANDS = ("run", "check", "preview")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="the clinic's kiosk.toml (default: the one in resources/)")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="where the kiosk keeps its data and logs (default: per-user folder)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Sciatica information kiosk for a clinic waiting room.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="start the kiosk full screen (the default)")
    _add_common(run)
    run.add_argument("--windowed", action="store_true",
                     help="show in a normal window instead of full screen")
    run.add_argument("--content", type=Path, metavar="DIR",
                     help="content folder with en/ and images/ (default: resources/content)")

    check = commands.add_parser("check", help="check a content folder and list every problem")
    _add_common(check)
    check.add_argument("folder", nargs="?", type=Path, metavar="DIR",
                       help="content folder to check (default: the configured one)")

    preview = commands.add_parser("preview", help="open draft content in a window")
    _add_common(preview)
    preview.add_argument("folder", type=Path, metavar="DIR", help="draft content folder")
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``argv`` without the program name; no command means ``run``."""
    args = list(argv)
    if not args or (args[0] not in COMMANDS and args[0] not in ("-h", "--help", "--version")):
        args.insert(0, "run")
    return build_parser().parse_args(args)


def check(args: argparse.Namespace) -> int:
    """Print each problem as ``file:line: message``; exit 1 if there is any error."""
    try:
        settings = load_settings(args.config, content_dir=args.folder, data_dir=args.data_dir)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    root = settings.content_dir
    result = load_live(settings)
    cwd = Path.cwd()
    for problem in result.problems:
        path = problem.path
        shown = path.relative_to(cwd) if path.is_relative_to(cwd) else path
        label = "warning: " if problem.severity is Severity.WARNING else ""
        print(f"{shown}:{problem.line}: {label}{problem.message}")
    errors = len(result.errors)
    warnings = len(result.problems) - errors
    if errors:
        print(f"{errors} error(s), {warnings} warning(s) in {root}: "
              "the kiosk keeps showing its last good content until these are fixed.",
              file=sys.stderr)
        return 1
    assert result.content is not None
    pages = len(result.content.sections())
    print(f"OK: {pages} pages in {root}" + (f", {warnings} warning(s)" if warnings else ""),
          file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    from kiosk import app

    return app.run(list(sys.argv if argv is None else argv))
