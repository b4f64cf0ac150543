"""How the command line reads its arguments: one parse into a typed command, options before
or after the command's name, and the one place settings are loaded."""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.config import Settings, load_settings

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
    # setup only: a kiosk that seals to this public key and keeps no private key (server mode).
    public_key: Path | None = None


@dataclasses.dataclass(frozen=True)
class DeskApp(Common):
    """``kiosk desk``: the front-desk app's window."""

    language: str = ""
    lock_after_minutes: float = 5.0
    desk_user: str = ""


@dataclasses.dataclass(frozen=True)
class PagesApp(Common):
    """``kiosk pages``: the desk's Pages view alone, publishing to a folder or USB stick."""

    store: Path = Path()
    drafts: Path | None = None


@dataclasses.dataclass(frozen=True)
class Server(Common):
    """``kiosk server init|purge``: the clinic server (kiosk/cli/server.py)."""

    action: str = "init"
    admin: str = "dbname=clinic"
    host: str | None = None
    logins: Path = Path("clinic-logins")
    new_passwords: bool = False
    kiosk_role: str = "kiosk"
    desk_role: str = "desk"


Command = Run | Preview | Check | Publish | Export | Desk | DeskApp | PagesApp | Server


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
    command("setup", "first run: create the clinic's keys, passphrase and staff PIN"
            ).add_argument("--public-key", type=Path, metavar="FILE",
                           help="server mode: keep only the clinic's public key from FILE "
                                "(the desk's keys file or the key in base64); this kiosk "
                                "then saves sign-ups and can never read them")
    command("set-pin", "change the staff PIN")
    command("unlock-panel", "end a lockout of the staff panel after wrong PINs (audited)")
    command("change-passphrase", "lock the clinic's key under a new front-desk passphrase")
    command("export", "write every sign-up to a CSV file").add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the CSV file to write")
    command("purge", "delete sign-ups older than the retention period")
    _server_commands(command("server", "set up or look after the clinic server (PostgreSQL)"),
                     common)
    desk = command("desk", "the front-desk app: sign-ups from every kiosk, via the clinic server")
    desk.add_argument("--language", default="", metavar="CODE",
                      help="the desk's language, e.g. es (default: the clinic's)")
    desk.add_argument("--lock-after-minutes", type=float, default=5.0, metavar="N",
                      help="lock after N minutes without a key press or click (default 5)")
    desk.add_argument("--desk-user", default="", metavar="NAME",
                      help="who is at the desk, for the audit (default: the login name)")
    pages = command("pages", "edit, preview and publish the pages to a folder or USB stick "
                             "(without a clinic server; with one, use the desk's Pages tab)")
    pages.add_argument("--store", type=Path, required=True, metavar="DIR",
                       help="where published versions go: a shared folder or a USB stick")
    pages.add_argument("--drafts", type=Path, metavar="DIR",
                       help="the desk's working copy (default: page-drafts in the data folder)")
    return parser


def _server_commands(server: argparse.ArgumentParser,
                     common: list[argparse.ArgumentParser]) -> None:
    actions = server.add_subparsers(dest="server_action", metavar="ACTION", required=True)
    admin = argparse.ArgumentParser(add_help=False)
    admin.add_argument("--admin", default="dbname=clinic", metavar="CONNINFO",
                       help="how to log in as the database's owner (libpq; default: "
                            "'dbname=clinic' over the local socket as this user)")
    init = actions.add_parser("init", parents=[*common, admin],
                              help="create or update the schema and the kiosk and desk "
                                   "logins; write new logins' files to --logins")
    init.add_argument("--host", metavar="NAME",
                      help="the server's name as kiosks and desks reach it, as in its "
                           "certificate (default: this computer's full name)")
    init.add_argument("--logins", type=Path, default=Path("clinic-logins"), metavar="DIR",
                      help="private folder for the new logins' .pgpass and service files "
                           "(default: ./clinic-logins)")
    init.add_argument("--new-passwords", action="store_true",
                      help="give both logins new passwords (the old files stop working)")
    init.add_argument("--kiosk-role", default="kiosk", metavar="NAME",
                      help="the kiosks' login (default: kiosk)")
    init.add_argument("--desk-role", default="desk", metavar="NAME",
                      help="the front desk's login (default: desk)")
    actions.add_parser("purge", parents=[*common, admin],
                       help="delete sign-ups older than retention_days from the server")


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
    if name == "desk":
        return DeskApp(**common, language=ns.language,
                       lock_after_minutes=ns.lock_after_minutes, desk_user=ns.desk_user)
    if name == "pages":
        return PagesApp(**common, store=ns.store, drafts=ns.drafts)
    if name == "server":
        extra = ({"host": ns.host, "logins": ns.logins, "new_passwords": ns.new_passwords,
                  "kiosk_role": ns.kiosk_role, "desk_role": ns.desk_role}
                 if ns.server_action == "init" else {})
        return Server(**common, action=ns.server_action, admin=ns.admin, **extra)
    return Desk(**common, name=name, public_key=getattr(ns, "public_key", None))


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


