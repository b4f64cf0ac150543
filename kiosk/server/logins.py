"""The files that hand a login to a kiosk or a desk: a libpq password file and a service
file, written private (0600 in 0700 folders) by ``kiosk server init``.

IT copies ``kiosk/pgpass`` to the kiosk user's ``~/.pgpass`` and ``kiosk/pg_service.conf``
to ``~/.pg_service.conf`` (``desk/`` likewise on the front-desk PC; on Windows
``%APPDATA%\\postgresql\\pgpass.conf`` and ``%APPDATA%\\postgresql\\.pg_service.conf``), and
the clinic's CA certificate to ``~/.postgresql/root.crt``, where libpq looks for it. The
kiosk's settings then say only ``conninfo = "service=clinic-kiosk"``: the password is in no
settings file and in no command line.

Files are first written to a staging folder, and moved into place only after the server
has taken the new passwords, so a failure on either side never leaves files that do not
match the server. Qt-free.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.private_files import fsync_dir, private_dir, write_atomic
from kiosk.server.transport import is_loopback

PGPASS = "pgpass"
SERVICE_FILE = "pg_service.conf"


@dataclass(frozen=True)
class Login:
    kind: str  # "kiosk" or "desk": the folder and the service's name
    host: str
    port: int
    dbname: str
    user: str
    password: str

    @property
    def service(self) -> str:
        return f"clinic-{self.kind}"


def _pgpass_field(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def pgpass_line(login: Login) -> str:
    """One line of a libpq password file (':' and '\\' escaped as libpq reads them)."""
    fields = (login.host, str(login.port), login.dbname, login.user, login.password)
    return ":".join(map(_pgpass_field, fields)) + "\n"


def service_section(login: Login) -> str:
    """A service file section; off this computer it requires the certificate check."""
    for value in (login.host, login.dbname, login.user):
        if any(ch in value for ch in "\n\r[]="):
            raise ValueError(f"{value!r} cannot go in a service file")
    lines = [f"[{login.service}]", f"host={login.host}", f"port={login.port}",
             f"dbname={login.dbname}", f"user={login.user}"]
    if not is_loopback(login.host):
        lines.append("sslmode=verify-full")
    return "\n".join(lines) + "\n"


def stage(folder: Path, logins: list[Login]) -> Path:
    """Write each login's files into a new private staging folder inside ``folder``."""
    private_dir(folder)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
    for login in logins:
        target = private_dir(staging / login.kind)
        write_atomic(target / PGPASS, pgpass_line(login).encode())
        write_atomic(target / SERVICE_FILE, service_section(login).encode())
    return staging


def publish(staging: Path, folder: Path) -> list[Path]:
    """Move the staged files into ``folder``/<kind>/ (replacing older ones); the paths."""
    written = []
    for kind_dir in sorted(p for p in staging.iterdir() if p.is_dir()):
        target = private_dir(folder / kind_dir.name)
        for path in sorted(kind_dir.iterdir()):
            path.replace(target / path.name)
            written.append(target / path.name)
        fsync_dir(target)
    discard(staging)
    return written


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
