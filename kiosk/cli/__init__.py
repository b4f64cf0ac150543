"""Command line: ``kiosk [run]``, ``check``, ``preview``, ``publish``, ``desk`` (the
front-desk app), and the front desk's ``setup``, ``set-pin``, ``unlock-panel``,
``change-passphrase``, ``export`` and ``purge``.

The only package that prints; everything the kiosk does at run time goes to the log.
``main`` parses once (arguments.py), loads the settings once, and runs one command: content
commands in content.py, the front desk's in front_desk.py, the kiosk itself in kiosk.app.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from kiosk import hardening
from kiosk.cli.arguments import (
    Check,
    Command,
    Desk,
    DeskApp,
    Export,
    PagesApp,
    Preview,
    Publish,
    Run,
    Server,
    load_settings_for,
    parse_args,
)
from kiosk.cli.content import check, publish
from kiosk.cli.desk import desk, pages
from kiosk.cli.display import display_problem
from kiosk.cli.exits import EXIT_CONFIG, EXIT_ERROR, EXIT_NO_DISPLAY
from kiosk.cli.front_desk import (
    change_passphrase,
    export,
    purge,
    set_pin,
    setup,
    setup_public_key,
    unlock_panel,
)
from kiosk.cli.server import server_command
from kiosk.config import ConfigError, Settings

__all__ = ["EXIT_CONFIG", "EXIT_ERROR", "EXIT_NO_DISPLAY", "Check", "Command", "Desk",
           "DeskApp", "Export", "PagesApp", "Preview", "Publish", "Run", "Server",
           "display_problem", "main", "parse_args"]


def run_command(command: Command, settings: Settings) -> int:
    """Every command but run/preview (which need Qt, see kiosk.app)."""
    if isinstance(command, Check):
        return check(command, settings)
    if isinstance(command, Publish):
        return publish(command, settings)
    if isinstance(command, Server):
        return server_command(command, settings)
    from kiosk.signups.store import StoreLocked, StoreUnavailable

    try:
        if isinstance(command, Export):
            return export(settings, command.out)
        assert isinstance(command, Desk)
        if command.public_key is not None:
            return setup_public_key(settings, command.public_key)
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
    if isinstance(command, DeskApp):
        return desk(command, settings, program=argv[0] if argv else "kiosk")
    if isinstance(command, PagesApp):
        return pages(command, settings, program=argv[0] if argv else "kiosk")
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
