"""Command line: ``kiosk [run]``, ``check``, ``preview``, ``publish``, and the front desk's
``setup``, ``set-pin``, ``unlock-panel``, ``change-passphrase``, ``export`` and ``purge``.

The only module that prints; everything the kiosk does at run time goes to the log. Secrets
(PIN, passphrase) are read without echo from a terminal, or one per line from a pipe.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import getpass
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import __version__
from kiosk.config import DEFAULT_CONFIG, I18N_DIR, ConfigError, Settings, load_settings
from kiosk.content.last_good import load_live
from kiosk.content.model import Problem, Severity, escaped
from kiosk.content.review import describe_review
from kiosk.contrast import theme_problems
from kiosk.i18n import check_strings
from kiosk.private_files import private_dir
from kiosk.speech import content_reading_problems
from kiosk.take_home import content_problems as take_home_problems

if TYPE_CHECKING:
    from kiosk.signups.service import SignupService

COMMANDS = ("run", "check", "preview", "setup", "set-pin", "unlock-panel", "change-passphrase",
            "export", "purge", "publish")
EXIT_ERROR = 1
EXIT_CONFIG = 2


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
    check.add_argument("--reviews", action="store_true",
                       help="also list every page's review and sources (for sign-off)")

    publish_parser = commands.add_parser(
        "publish", help="check a content folder and make it the kiosk's content in one step")
    _add_common(publish_parser)
    publish_parser.add_argument("source", type=Path, metavar="SRC",
                                help="the new content folder (en/, es/, images/)")

    preview = commands.add_parser("preview", help="open draft content in a window")
    _add_common(preview)
    preview.add_argument("folder", type=Path, metavar="DIR", help="draft content folder")

    setup = commands.add_parser(
        "setup", help="first run: create the clinic's keys, passphrase and staff PIN")
    _add_common(setup)
    set_pin = commands.add_parser("set-pin", help="change the staff PIN")
    _add_common(set_pin)
    unlock_panel = commands.add_parser(
        "unlock-panel", help="end a lockout of the staff panel after wrong PINs (audited)")
    _add_common(unlock_panel)
    change = commands.add_parser(
        "change-passphrase", help="lock the clinic's key under a new front-desk passphrase")
    _add_common(change)
    export = commands.add_parser("export", help="write every sign-up to a CSV file")
    _add_common(export)
    export.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="the CSV file to write")
    purge = commands.add_parser("purge", help="delete sign-ups older than the retention period")
    _add_common(purge)
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``argv`` without the program name; no command means ``run``."""
    args = list(argv)
    if not args or (args[0] not in COMMANDS and args[0] not in ("-h", "--help", "--version")):
        args.insert(0, "run")
    return build_parser().parse_args(args)


def report_config_error(error: ConfigError) -> int:
    print(f"error: {error}", file=sys.stderr)
    return EXIT_CONFIG


def check(args: argparse.Namespace) -> int:
    """Print each problem as ``file:line: message``; exit 1 if there is any error."""
    try:
        settings = load_settings(args.config, content_dir=args.folder, data_dir=args.data_dir)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    root = settings.content_dir
    result = load_live(settings)
    # Buttons and messages too: a language whose strings are broken shows English instead.
    problems = [*result.problems, *check_strings(I18N_DIR, settings.languages),
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


def publish(args: argparse.Namespace) -> int:
    """Check SRC; if it has no errors, swap it in for the configured content folder."""
    from kiosk.content.publish import publish as publish_folder

    try:
        settings = load_settings(args.config, data_dir=args.data_dir)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_CONFIG
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


def ask_secret(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    print(prompt, file=sys.stderr)
    return sys.stdin.readline().rstrip("\n")


def _ask_twice(what: str) -> str | None:
    first = ask_secret(f"New {what}: ")
    if ask_secret(f"Type the {what} again: ") != first:
        print(f"error: the two {what}s are not the same; nothing was changed", file=sys.stderr)
        return None
    return first


def setup(settings: Settings) -> int:
    from kiosk.security import PinGuard
    from kiosk.signups.crypto import WeakPassphrase, create_keys

    private_dir(settings.data_dir)
    if settings.keys_file.exists():
        print(f"The clinic's keys already exist in {settings.keys_file}; keeping them.",
              file=sys.stderr)
    else:
        print("Choose the front-desk passphrase (at least 8 characters; a short sentence is "
              "best). It unlocks the sign-ups: without it nobody, not even us, can read them. "
              "Write it down somewhere safe.", file=sys.stderr)
        passphrase = _ask_twice("passphrase")
        if passphrase is None:
            return EXIT_ERROR
        try:
            create_keys(settings.keys_file, passphrase)
        except WeakPassphrase as e:
            print(f"error: {e}", file=sys.stderr)
            return EXIT_ERROR
        print(f"Keys created in {settings.keys_file}.", file=sys.stderr)
    guard = PinGuard(settings.pin_file)
    if guard.is_set():
        print("The staff PIN is already set; change it with 'kiosk set-pin'.", file=sys.stderr)
        return 0
    return set_pin(settings, intro="Choose the staff PIN (6 to 8 digits) that opens the panel.")


def set_pin(settings: Settings, intro: str = "") -> int:
    from kiosk.audit import AuditLog
    from kiosk.security import PinGuard, WeakPin

    if intro:
        print(intro, file=sys.stderr)
    pin = _ask_twice("PIN")
    if pin is None:
        return EXIT_ERROR
    try:
        PinGuard(settings.pin_file).set_pin(pin)
    except WeakPin as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    AuditLog(settings.audit_log).record("set pin", "from the command line")
    print("The staff PIN is set.", file=sys.stderr)
    return 0


def unlock_panel(settings: Settings) -> int:
    """Forget the wrong tries, so a patient who keeps the panel locked cannot keep staff out.

    Only someone at a terminal with access to the data folder can run it; that person could
    set a new PIN anyway. The running kiosk sees the change at the next try.
    """
    from kiosk.audit import AuditLog
    from kiosk.security import PinGuard

    guard = PinGuard(settings.pin_file)
    if not guard.is_set():
        print("error: the staff PIN is not set; run 'kiosk setup'", file=sys.stderr)
        return EXIT_ERROR
    forgotten = guard.clear_tries()
    try:
        user = getpass.getuser()  # a login name, not patient data
    except (OSError, KeyError):
        user = "an unknown user"
    if not AuditLog(settings.audit_log).record(
            "panel unlocked", f"from a terminal by {user}; {forgotten} wrong tries forgotten"):
        print(f"warning: could not write the audit log {settings.audit_log}", file=sys.stderr)
    print(f"The staff panel takes the PIN again ({forgotten} wrong tries forgotten).",
          file=sys.stderr)
    return 0


def change_passphrase(settings: Settings) -> int:
    """When someone who knew the passphrase leaves: the same key, a new passphrase.

    Every stored sign-up stays readable with the new passphrase. (Someone who also kept a
    copy of the keys file can still open it with the old one: see docs/security.md.)
    """
    from kiosk.audit import AuditLog
    from kiosk.signups import crypto

    old = ask_secret("Current front-desk passphrase: ")
    print("Choose the new passphrase (at least 8 characters).", file=sys.stderr)
    new = _ask_twice("passphrase")
    if new is None:
        return EXIT_ERROR
    try:
        crypto.change_passphrase(settings.keys_file, old, new)
    except crypto.WrongPassphrase:
        print("error: the current passphrase is not right; nothing was changed", file=sys.stderr)
        return EXIT_ERROR
    except crypto.KeysError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    AuditLog(settings.audit_log).record("change passphrase", "from the command line")
    print("The front-desk passphrase is changed.", file=sys.stderr)
    return 0


def export(settings: Settings, out: Path) -> int:
    from kiosk.signups.crypto import KeysError, KeysMissing, WrongPassphrase
    from kiosk.signups.export import write_csv

    with _open_service(settings) as service:
        try:
            reader = service.unlock(ask_secret("Front-desk passphrase: "))
        except KeysMissing:
            print("error: the kiosk is not set up yet; run 'kiosk setup'", file=sys.stderr)
            return EXIT_ERROR
        except WrongPassphrase:
            print("error: that passphrase is not right", file=sys.stderr)
            return EXIT_ERROR
        except KeysError as e:  # damaged, or set too cheap (WeakKeyCost): say which
            print(f"error: {e}", file=sys.stderr)
            return EXIT_ERROR
        # Like the panel's export: an entry that cannot be opened gets a row too, so the
        # file never looks complete while something is missing from it.
        listing = reader.listing()
        count = write_csv(listing.entries, out, listing.unreadable)
        unreadable = len(listing.unreadable)
        service.audit.record("export", f"{count - unreadable} entries from the command line"
                             + (f", {unreadable} unreadable" if unreadable else ""))
    print(f"Sign-ups written: {count}, to {out}", file=sys.stderr)
    if unreadable:
        print(f"{unreadable} of them could not be read (damaged, or sealed to another key): "
              "their rows say so; ask IT", file=sys.stderr)
    return 0


def purge(settings: Settings) -> int:
    with _open_service(settings) as service:
        count = service.purge_expired(settings.retention_days)
    print(f"Sign-ups older than {settings.retention_days} days deleted: {count}.",
          file=sys.stderr)
    return 0


@contextlib.contextmanager
def _open_service(settings: Settings) -> Iterator[SignupService]:
    from kiosk.audit import AuditLog
    from kiosk.signups.service import SignupService
    from kiosk.signups.store import SignupStore

    with SignupStore.open(settings.signups_db) as store:
        yield SignupService(store, settings.keys_file, AuditLog(settings.audit_log))


def run_command(args: argparse.Namespace) -> int:
    """Every command but run/preview (which need Qt, see kiosk.app)."""
    if args.command == "check":
        return check(args)
    if args.command == "publish":
        return publish(args)
    try:
        settings = load_settings(args.config, data_dir=args.data_dir)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    from kiosk.signups.store import StoreLocked, StoreUnavailable

    try:
        if args.command == "setup":
            return setup(settings)
        if args.command == "set-pin":
            return set_pin(settings)
        if args.command == "unlock-panel":
            return unlock_panel(settings)
        if args.command == "change-passphrase":
            return change_passphrase(settings)
        if args.command == "export":
            return export(settings, args.out)
        return purge(settings)
    except StoreLocked:
        print("error: the kiosk is running on this data folder; use the staff panel, or stop "
              "the kiosk first", file=sys.stderr)
    except (StoreUnavailable, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    from kiosk import app

    return app.run(list(sys.argv if argv is None else argv))
