"""``kiosk desk``: the front-desk app, on the desk's own computer, reading the clinic server;
``kiosk pages``: its Pages view alone, for clinics that publish pages to a folder or USB stick."""

from __future__ import annotations

import os
import sys

from kiosk.cli.arguments import DeskApp, PagesApp
from kiosk.cli.display import display_problem
from kiosk.cli.exits import EXIT_CONFIG, EXIT_NO_DISPLAY
from kiosk.config import Settings


def desk(command: DeskApp, settings: Settings, program: str = "kiosk") -> int:
    server = settings.server
    if server is None:
        print("error: kiosk.toml has no [server] table: the desk app reads sign-ups from the "
              "clinic server (see docs/deploy.md). Without a server, use the staff panel on "
              "the kiosk (docs/front-desk.md).", file=sys.stderr)
        return EXIT_CONFIG
    if command.lock_after_minutes <= 0:
        print("error: --lock-after-minutes must be more than 0", file=sys.stderr)
        return EXIT_CONFIG
    problem = display_problem(os.environ)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_NO_DISPLAY
    from kiosk.desk_app import DeskOptions, run_desk

    options = DeskOptions(
        conninfo=server.conninfo, desk_user=command.desk_user, language=command.language,
        lock_after_s=command.lock_after_minutes * 60.0, poll_seconds=server.poll_seconds,
        heartbeat_seconds=server.heartbeat_seconds,
        connect_timeout_s=server.connect_timeout_seconds)
    return run_desk(settings, options, program=program)


def pages(command: PagesApp, settings: Settings, program: str = "kiosk") -> int:
    problem = display_problem(os.environ)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_NO_DISPLAY
    from kiosk.desk_app import run_pages

    drafts = command.drafts or settings.data_dir / "page-drafts"
    return run_pages(settings, command.store, drafts, program=program)
