"""Connecting to the clinic server and saying in plain words why it failed.

Every connection goes through ``connect``: the transport is checked first (nothing is sent
to another computer without ``sslmode=verify-full``), and libpq's error becomes a
ServerUnavailable naming the cause. Errors from statements are reported by their class
(``describe``), never with the server's detail text, which may quote a row. Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from kiosk.server.errors import ServerUnavailable
from kiosk.server.transport import require_safe_transport

# Rows as plain tuples (psycopg's default row factory).
Conn = psycopg.Connection[tuple[Any, ...]]

# libpq's words (connection phase) -> ours. The first that matches wins.
_CONNECT_CAUSES = (
    ("password authentication failed", "the clinic server refused the password for this "
     "login: check the password in the .pgpass file (or the one `kiosk server init` wrote)"),
    ("no password supplied", "the clinic server asks for a password and none was found: "
     "check the .pgpass file (it must be readable by its user only, mode 0600: libpq "
     "ignores one that others may read)"),
    ("server does not support ssl", "the clinic server does not offer an encrypted (TLS) "
     "connection, and these settings require one: turn on ssl on the server"),
    ("certificate verify failed", "the clinic server's certificate could not be verified "
     "against the clinic's CA (sslrootcert): it may be the wrong server"),
    ("root certificate file", "the clinic's CA certificate (sslrootcert) was not found on "
     "this computer, so the server cannot be verified"),
    ("does not match host name", "the clinic server's certificate is for another name than "
     "the host in the settings"),
    ("no pg_hba.conf entry", "the clinic server does not accept this login from this "
     "computer (pg_hba.conf)"),
    ("does not exist", "the clinic server has no such database or login: was "
     "`kiosk server init` run?"),
    ("timeout expired", "the clinic server did not answer in time"),
    ("connection refused", "the clinic server is not answering (stopped, or the wrong "
     "host or port)"),
    ("no such file or directory", "the clinic server is not running on this computer"),
    ("could not translate host name", "the clinic server's host name is not known"),
    ("the database system is starting up", "the clinic server is starting; try again"),
    ("the database system is shutting down", "the clinic server is shutting down"),
    ("too many connections for role", "the clinic server allows this login no more "
     "connections (the kiosks' login has a limit): is something else using it? Ask IT"),
    ("too many connections", "the clinic server has too many connections open"),
)


def _first_line(error: BaseException) -> str:
    """libpq's first line names the host or socket and the cause; later ones are hints."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def describe(error: psycopg.Error) -> str:
    """What went wrong, by class; for a statement never the server's detail (it may quote
    data), only the SQLSTATE's name."""
    if isinstance(error, pg_errors.DiskFull | pg_errors.InsufficientResources):
        return "the clinic server's disk is full (nothing was lost: it is kept here)"
    if isinstance(error, pg_errors.InsufficientPrivilege):
        return "this login may not do that on the clinic server (wrong role)"
    if isinstance(error, pg_errors.AdminShutdown | pg_errors.CrashShutdown
                  | pg_errors.CannotConnectNow):
        return "the clinic server is shutting down or restarting"
    if isinstance(error, psycopg.OperationalError) and error.sqlstate is None:
        return "the connection to the clinic server was lost"
    name = type(error).__name__
    return f"the clinic server reported an error ({name}, {error.sqlstate or 'no code'})"


def connect(conninfo: str, *, timeout_s: int = 5, autocommit: bool = True,
            environ: Mapping[str, str] | None = None,
            application_name: str = "sciatica-kiosk") -> Conn:
    """A connection, or ServerUnavailable in plain words (host and port named)."""
    require_safe_transport(conninfo, environ)
    try:
        return psycopg.connect(conninfo, autocommit=autocommit, connect_timeout=timeout_s,
                               application_name=application_name)
    except psycopg.Error as e:
        text = str(e).lower()
        for needle, words in _CONNECT_CAUSES:
            if needle in text:
                raise ServerUnavailable(f"{words} ({_first_line(e)})") from e
        raise ServerUnavailable(f"cannot connect to the clinic server: {_first_line(e)}") from e


def connect_checked(conninfo: str, accept: Callable[[Conn], None], *, timeout_s: int = 5,
                    application_name: str = "sciatica-kiosk") -> Conn:
    """A connection that ``accept`` has looked at (schema, role) without raising; when it
    raises (WrongRole, SchemaTooNew) or the server fails meanwhile, the connection is closed
    and the error is ServerUnavailable in plain words."""
    conn = connect(conninfo, timeout_s=timeout_s, application_name=application_name)
    try:
        accept(conn)
    except psycopg.Error as e:
        conn.close()
        raise ServerUnavailable(describe(e)) from e
    except ServerUnavailable:
        conn.close()
        raise
    return conn
