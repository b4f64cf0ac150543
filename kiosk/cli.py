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
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import __version__, hardening
from kiosk.config import DEFAULT_CONFIG, I18N_DIR, ConfigError, Settings, load_settings
from kiosk.content.last_good import load_live
from kiosk.content.model import Problem, Severity, escaped
from kiosk.content.review import describe_review
from kiosk.contrast import theme_problems
from kiosk.i18n import check_strings
from kiosk.private_files import private_dir
from kiosk.signups.entry import ERROR_STRINGS
from kiosk.speech import content_reading_problems
from kiosk.take_home import content_problems as take_home_problems

if TYPE_CHECKING:
    from kiosk.signups.service import SignupService

EXIT_ERROR = 1
EXIT_CONFIG = 2
EXIT_NO_DISPLAY = 4
DESK_COMMANDS = ("setup", "set-pin", "unlock-panel", "change-passphrase", "purge")


@dataclasses.dataclass(frozen=True)
class Common:
    """Options every command takes, before or after its name."""

    config: Path | None = None
    data_dir: Path | None = None


@dataclasses.dataclass(frozen=True)
class Run(Common):
    windowed: bool = False
    content: Path | None = None


@dataclasses.dataclass(frozen=True)
class Preview(Common):
    folder: Path = Path()


@dataclasses.dataclass(frozen=True)
class Check(Common):
    folder: Path | None = None
    reviews: bool = False


@dataclasses.dataclass(frozen=True)
class Publish(Common):
    source: Path = Path()


@dataclasses.dataclass(frozen=True)
class Export(Common):
    out: Path = Path()


@dataclasses.dataclass(frozen=True)
class Desk(Common):
    """One of DESK_COMMANDS: the front desk's set-up and upkeep, no options of its own."""

    name: str = "setup"


Command = Run | Preview | Check | Publish | Export | Desk


def _common_options(*, after_command: bool) -> argparse.ArgumentParser:
    # The same options on the main parser and on every command, so `--data-dir DIR setup`
    # and `setup --data-dir DIR` both work. A command's copy defaults to SUPPRESS: otherwise
    # its None would overwrite a value given before the command's name.
    default = argparse.SUPPRESS if after_command else None
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, metavar="FILE", default=default,
                        help="the clinic's kiosk.toml (default: the one in resources/)")
    common.add_argument("--data-dir", type=Path, metavar="DIR", default=default,
                        help="where the kiosk keeps its data and logs (default: per-user folder)")
    return common


def _run_options(parser: argparse.ArgumentParser, *, after_command: bool) -> None:
    default: object = argparse.SUPPRESS if after_command else None
    parser.add_argument("--windowed", action="store_true",
                        default=default if after_command else False,
                        help="show in a normal window instead of full screen")
    parser.add_argument("--content", type=Path, metavar="DIR", default=default,
                        help="content folder with en/ and images/ (default: resources/content)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", parents=[_common_options(after_command=False)],
        description="Sciatica information kiosk for a clinic waiting room. With no command, "
                    "starts the kiosk (as 'run').")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # `kiosk --windowed` is `kiosk run --windowed`.
    _run_options(parser, after_command=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = [_common_options(after_command=True)]

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, parents=common)

    _run_options(command("run", "start the kiosk full screen (the default)"),
                 after_command=True)
    check_parser = command("check", "check a content folder and list every problem")
    check_parser.add_argument("folder", nargs="?", type=Path, metavar="DIR",
                              help="content folder to check (default: the configured one)")
    check_parser.add_argument("--reviews", action="store_true",
                              help="also list every page's review and sources (for sign-off)")
    command("publish", "check a content folder and make it the kiosk's content in one step"
            ).add_argument("source", type=Path, metavar="SRC",
                           help="the new content folder (en/, es/, images/)")
    command("preview", "open draft content in a window").add_argument(
        "folder", type=Path, metavar="DIR", help="draft content folder")
    command("setup", "first run: create the clinic's keys, passphrase and staff PIN")
    command("set-pin", "change the staff PIN")
    command("unlock-panel", "end a lockout of the staff panel after wrong PINs (audited)")
    command("change-passphrase", "lock the clinic's key under a new front-desk passphrase")
    command("export", "write every sign-up to a CSV file").add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the CSV file to write")
    command("purge", "delete sign-ups older than the retention period")
    return parser


def parse_args(argv: Sequence[str]) -> Command:
    """Parse ``argv`` without the program name into one typed command; none means ``run``.

    Exits with argparse's usage message (code 2) on anything it does not understand.
    """
    parser = build_parser()
    ns = parser.parse_args(list(argv))
    common = {"config": ns.config, "data_dir": ns.data_dir}
    name = ns.command or "run"
    if name != "run" and (ns.windowed or ns.content is not None):
        parser.error(f"--windowed and --content go with 'run', not '{name}'")
    if name == "run":
        return Run(**common, windowed=ns.windowed, content=ns.content)
    if name == "preview":
        return Preview(**common, folder=ns.folder)
    if name == "check":
        return Check(**common, folder=ns.folder, reviews=ns.reviews)
    if name == "publish":
        return Publish(**common, source=ns.source)
    if name == "export":
        return Export(**common, out=ns.out)
    return Desk(**common, name=name)


def load_settings_for(command: Command) -> Settings:
    """The one place settings are loaded. Raises ConfigError."""
    if isinstance(command, Preview):
        # A preview must not replace the kiosk's last good content with a draft.
        data_dir = command.data_dir or Path(tempfile.mkdtemp(prefix="kiosk-preview-"))
        return load_settings(command.config, content_dir=command.folder, data_dir=data_dir,
                             windowed=True)
    if isinstance(command, Run):
        return load_settings(command.config, content_dir=command.content,
                             data_dir=command.data_dir, windowed=command.windowed)
    if isinstance(command, Check):
        return load_settings(command.config, content_dir=command.folder,
                             data_dir=command.data_dir)
    return load_settings(command.config, data_dir=command.data_dir)


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


def run_command(command: Command, settings: Settings) -> int:
    """Every command but run/preview (which need Qt, see kiosk.app)."""
    if isinstance(command, Check):
        return check(command, settings)
    if isinstance(command, Publish):
        return publish(command, settings)
    from kiosk.signups.store import StoreLocked, StoreUnavailable

    try:
        if isinstance(command, Export):
            return export(settings, command.out)
        assert isinstance(command, Desk)
        desk: dict[str, Callable[[Settings], int]] = {
            "setup": setup, "set-pin": set_pin, "unlock-panel": unlock_panel,
            "change-passphrase": change_passphrase, "purge": purge}
        return desk[command.name](settings)
    except StoreLocked:
        print("error: the kiosk is running on this data folder; use the staff panel, or stop "
              "the kiosk first", file=sys.stderr)
    except (StoreUnavailable, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
    return EXIT_ERROR


def display_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why Qt will find no screen to open the kiosk on, or None.

    Without this, Qt's xcb plugin fails with "xcb-cursor0 is needed... reinstalling may fix
    this" and aborts with a crash dump, while the cause is only that this terminal belongs
    to no desktop session (ssh, a text console). Platforms that need no display server
    (offscreen, eglfs, linuxfb, vnc...) are left to Qt.
    """
    if not platform.startswith("linux"):
        return None
    # QT_QPA_PLATFORM may be "offscreen:configfile=...", or a list to try: "wayland;xcb".
    wanted = [part.split(":", 1)[0] for part in environ.get("QT_QPA_PLATFORM", "").split(";")]
    has_x = bool(environ.get("DISPLAY"))
    has_wayland = bool(environ.get("WAYLAND_DISPLAY") or environ.get("WAYLAND_SOCKET"))
    for name in wanted:
        if name == "" and (has_x or has_wayland):
            return None
        if name == "xcb" and has_x:
            return None
        if name.startswith("wayland") and has_wayland:
            return None
        if name not in ("", "xcb") and not name.startswith("wayland"):
            return None
    return ("no display to show the kiosk on (DISPLAY and WAYLAND_DISPLAY are not set): "
            "start it from a desktop session, or install it as this machine's kiosk with "
            "scripts/install-kiosk (see README.md)")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``main.py``, ``python -m kiosk`` and the ``kiosk`` command: parse the
    arguments once, load the settings once, run the command or the kiosk; the exit code."""
    # First, before any passphrase or sign-up is in memory: no core file may copy them.
    hardening.forbid_core_dumps()
    argv = list(sys.argv if argv is None else argv)
    command = parse_args(argv[1:])
    try:
        settings = load_settings_for(command)
    except ConfigError as e:
        # The one place a bad kiosk.toml, --config or environment value is reported.
        print(f"error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    if not isinstance(command, Run | Preview):
        return run_command(command, settings)
    problem = display_problem(os.environ)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_NO_DISPLAY
    from kiosk import app

    # A preview shows the draft or its problems, never a fallback that would look fine.
    return app.run_kiosk(settings, program=argv[0] if argv else "kiosk",
                         fall_back=isinstance(command, Run))
