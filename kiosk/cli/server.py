"""``kiosk server init`` and ``kiosk server purge``: the clinic server, from its own console.

init: create or update the schema and the ``kiosk`` and ``desk`` logins (kiosk/server/
schema.py). A login that is new (or every login, with ``--new-passwords``) gets a random
password, written only to the private files under ``--logins`` (kiosk/server/logins.py) and
sent to the server only as a SCRAM verifier; it is never printed. A login that exists keeps
its password, so running init again (after an update) breaks no kiosk.

purge: delete the sign-ups older than the clinic's ``retention_days`` from the server (the
same rule as on a kiosk), recorded in the desk audit as the server's retention.
"""

from __future__ import annotations

import secrets
import socket
import sys
from datetime import UTC, datetime, timedelta

from kiosk.cli.arguments import Server
from kiosk.cli.exits import EXIT_ERROR
from kiosk.config import Settings
from kiosk.server import logins
from kiosk.server.connection import connect
from kiosk.server.desk_store import DeskStore
from kiosk.server.errors import ServerUnavailable
from kiosk.server.schema import SCHEMA_VERSION, init_server

RETENTION_USER = "server retention"


def server_command(command: Server, settings: Settings) -> int:
    try:
        if command.action == "purge":
            return purge(command, settings)
        return init(command)
    except (ServerUnavailable, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
    except OSError as e:
        print(f"error: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
    return EXIT_ERROR


def _target(command: Server) -> tuple[str, int, set[str]]:
    """The database's name and port as the admin reaches it, and which roles exist."""
    with connect(command.admin) as conn:
        rows = conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
                            ([command.kiosk_role, command.desk_role],)).fetchall()
        return conn.info.dbname, conn.info.port, {str(r[0]) for r in rows}


def init(command: Server) -> int:
    dbname, port, existing = _target(command)
    host = command.host or socket.getfqdn()
    roles = {"kiosk": command.kiosk_role, "desk": command.desk_role}
    new = [kind for kind, role in roles.items()
           if command.new_passwords or role not in existing]
    passwords = {kind: secrets.token_urlsafe(32) for kind in new}
    staged = logins.stage(command.logins, [
        logins.Login(kind, host, port, dbname, roles[kind], passwords[kind]) for kind in new])
    try:
        result = init_server(command.admin, kiosk_role=command.kiosk_role,
                             desk_role=command.desk_role,
                             kiosk_password=passwords.get("kiosk"),
                             desk_password=passwords.get("desk"))
    except BaseException:
        logins.discard(staged)
        raise
    written = logins.publish(staged, command.logins)
    if result.version_before == result.version_after:
        print(f"The clinic server's database {dbname!r} is at schema version "
              f"{SCHEMA_VERSION}: nothing to update.")
    else:
        print(f"The clinic server's database {dbname!r} went from schema version "
              f"{result.version_before} to {result.version_after}.")
    kept = [roles[k] for k in roles if k not in new]
    if kept:
        print(f"Logins kept with their passwords: {', '.join(kept)}.")
    if written:
        print(f"New passwords for {', '.join(roles[k] for k in new)} are in these private "
              "files (see docs/deploy.md, \"The clinic server\"):")
        for path in written:
            print(f"  {path}")
        print("On each kiosk: pgpass -> ~/.pgpass, pg_service.conf -> ~/.pg_service.conf, "
              "the clinic's CA -> ~/.postgresql/root.crt, and in kiosk.toml:\n"
              "  [server]\n  conninfo = \"service=clinic-kiosk\"\n"
              "  kiosk_name = \"Waiting room 1\"")
    return 0


def purge(command: Server, settings: Settings) -> int:
    days = settings.retention_days
    cutoff = datetime.now(UTC) - timedelta(days=days)
    with DeskStore(command.admin, RETENTION_USER) as store:
        count = store.purge_older_than(cutoff)
    print(f"Deleted {count} sign-up{'' if count == 1 else 's'} older than {days} days "
          "from the clinic server.")
    return 0
