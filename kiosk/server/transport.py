"""Refuse, before connecting, settings that would talk to a server on another computer
without checking its certificate.

libpq's own precedence decides what a connection string means: a key written in it wins,
then the service file's section (``service=NAME``), then the ``PG*`` environment variables,
then libpq's defaults (a local socket, ``sslmode=prefer``). Off this computer only
``sslmode=verify-full`` is accepted: ``require`` encrypts but would hand the password to
whoever answers. Qt-free.
"""

from __future__ import annotations

import configparser
import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict

from kiosk.server.errors import InsecureConnection, ServerUnavailable

# The PG* variables libpq reads for the keys that matter here.
_ENV = {"host": "PGHOST", "hostaddr": "PGHOSTADDR", "sslmode": "PGSSLMODE",
        "service": "PGSERVICE"}
# Where Debian's libpq looks for the system-wide service file when PGSYSCONFDIR is unset.
_SYSTEM_SERVICE_DIRS = (Path("/etc/postgresql-common"), Path("/etc"))


def parse(conninfo: str) -> dict[str, str]:
    """The keys written in ``conninfo``; a ServerUnavailable naming the mistake if libpq
    cannot read it."""
    try:
        return {k: str(v) for k, v in conninfo_to_dict(conninfo).items()}
    except Exception as e:  # psycopg.ProgrammingError; the message quotes no password
        raise ServerUnavailable(f"the server connection setting cannot be read: {e}") from e


def _service_files(environ: Mapping[str, str]) -> list[Path]:
    files = [Path(environ["PGSERVICEFILE"]) if environ.get("PGSERVICEFILE")
             else Path(environ.get("HOME", str(Path.home()))) / ".pg_service.conf"]
    if environ.get("PGSYSCONFDIR"):
        files.append(Path(environ["PGSYSCONFDIR"]) / "pg_service.conf")
    else:
        files.extend(folder / "pg_service.conf" for folder in _SYSTEM_SERVICE_DIRS)
    return files


def _service(name: str, environ: Mapping[str, str]) -> dict[str, str]:
    for path in _service_files(environ):
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError) as e:
            raise ServerUnavailable(f"{path}: cannot read the service file: {e}") from e
        if parser.has_section(name):
            return dict(parser.items(name))
    raise ServerUnavailable(f"the service {name!r} is in no service file "
                            f"({', '.join(str(p) for p in _service_files(environ))})")


def effective(conninfo: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """What libpq will use for host, hostaddr and sslmode (and the rest written down)."""
    env = os.environ if environ is None else environ
    written = parse(conninfo)
    service = written.get("service") or env.get("PGSERVICE")
    values = {k: env[v] for k, v in _ENV.items() if env.get(v)}
    if service:
        values.update(_service(service, env))
    values.update(written)
    return values


def is_loopback(host: str) -> bool:
    """A Unix socket folder, ``localhost`` or a loopback address."""
    if not host or host.startswith(("/", "@")) or host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_safe_transport(conninfo: str, environ: Mapping[str, str] | None = None) -> None:
    """Raise InsecureConnection if a host off this computer is reached without
    ``sslmode=verify-full``."""
    values = effective(conninfo, environ)
    hosts = [h.strip() for h in (values.get("hostaddr") or values.get("host") or "").split(",")]
    remote = [h for h in hosts if not is_loopback(h)]
    if remote and values.get("sslmode", "prefer") != "verify-full":
        raise InsecureConnection(
            f"the clinic server {remote[0]} is on another computer, so the connection must "
            f"check its certificate: add sslmode=verify-full (and sslrootcert=FILE with the "
            f"clinic's CA) to the server settings; now sslmode="
            f"{values.get('sslmode', 'prefer (the default)')}. Nothing was sent.")
