"""A real PostgreSQL for the tests: Debian's server binaries (initdb, pg_ctl from
/usr/lib/postgresql/*/bin) run into a temporary folder, on a free TCP port on 127.0.0.1
and a Unix socket in that folder. Nothing is mocked.

``PostgresServer.start_new()`` makes the cluster and starts it; ``stop()`` / ``start()``
stop and start the same cluster (tests that take the server away); ``fresh_clinic()``
makes a new database with its own kiosk and desk roles through ``init_server``.

As root (CI and this machine run as root) PostgreSQL refuses to run, so the server runs as
the ``postgres`` user Debian's package creates, in a folder that user owns.

The superuser logs in over the socket without a password (trust); every other role needs
its SCRAM password, over the socket and over TCP, as on a clinic's server.
"""

from __future__ import annotations

import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

ADMIN = "clinic_admin"
PREFIX = "kiosk-pg-"
# The process that made a cluster; a cluster whose maker is gone was left by a killed run.
OWNER = "owner.pid"
_counter = itertools.count(1)


def find_bin_dir() -> Path | None:
    """The newest Debian PostgreSQL server's bin folder ($KIOSK_PG_BIN wins), or None."""
    if os.environ.get("KIOSK_PG_BIN"):
        folder = Path(os.environ["KIOSK_PG_BIN"])
        return folder if (folder / "pg_ctl").exists() else None
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")]
    found.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_orphans(bin_dir: Path) -> None:
    """Stop and remove the clusters of test runs that were killed before they could (a
    SIGKILLed pytest leaves its server running); those of live runs are left alone."""
    for base in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            pid = int((base / OWNER).read_text())
        except (OSError, ValueError):
            continue
        if _alive(pid):
            continue
        if (base / "data" / "postmaster.pid").exists():
            subprocess.run(
                [str(bin_dir / "pg_ctl"), "stop", "-D", str(base / "data"), "-m", "immediate",
                 "-w"], capture_output=True, timeout=60, check=False,
                user="postgres" if os.geteuid() == 0 else None)
        shutil.rmtree(base, ignore_errors=True)


@dataclass(frozen=True)
class Clinic:
    """One database set up by ``init_server``, with its own two roles and passwords."""

    server: PostgresServer
    dbname: str
    kiosk_role: str
    kiosk_password: str
    desk_role: str
    desk_password: str

    @property
    def admin_conninfo(self) -> str:
        return self.server.conninfo(ADMIN, dbname=self.dbname)

    @property
    def kiosk_conninfo(self) -> str:
        return self.server.conninfo(self.kiosk_role, self.kiosk_password, dbname=self.dbname)

    @property
    def desk_conninfo(self) -> str:
        return self.server.conninfo(self.desk_role, self.desk_password, dbname=self.dbname)


class PostgresServer:
    def __init__(self, bin_dir: Path, base: Path, port: int, run_as: str | None,
                 durable: bool = False) -> None:
        self.bin_dir = bin_dir
        self.base = base
        self.data_dir = base / "data"
        self.socket_dir = base / "socket"
        self.log_file = base / "postgres.log"
        self.port = port
        self.run_as = run_as
        self.durable = durable
        self.running = False

    # -- making and running the cluster ----------------------------------------------------

    @classmethod
    def start_new(cls, bin_dir: Path, *, durable: bool = False) -> PostgresServer:
        """``durable``: fsync as a real server does (benchmarks); tests do without."""
        stop_orphans(bin_dir)
        base = Path(tempfile.mkdtemp(prefix=PREFIX))
        (base / OWNER).write_text(str(os.getpid()))
        run_as = "postgres" if os.geteuid() == 0 else None
        server = cls(bin_dir, base, _free_port(), run_as, durable)
        server.socket_dir.mkdir()
        if run_as is not None:
            user = pwd.getpwnam(run_as)
            for path in (base, server.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
        server._initdb()
        server.start()
        return server

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]], capture_output=True, text=True,
            user=self.run_as, cwd=self.base, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({result.returncode}):\n{result.stdout}\n"
                               f"{result.stderr}\n{self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    def _initdb(self) -> None:
        self._run("initdb", "-D", str(self.data_dir), "-U", ADMIN, "-E", "UTF8",
                  "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "-N")
        (self.data_dir / "pg_hba.conf").write_text(
            f"local all {ADMIN} trust\n"
            "local all all scram-sha-256\n"
            "host all all 127.0.0.1/32 scram-sha-256\n")
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.socket_dir}'\n"
                       "password_encryption = 'scram-sha-256'\n")
            if not self.durable:
                # A test cluster: the OS does not crash under it, so no fsync.
                conf.write("fsync = off\nfull_page_writes = off\n")

    def start(self) -> None:
        self._run("pg_ctl", "start", "-D", str(self.data_dir), "-l", str(self.log_file),
                  "-w", "-t", "60")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``mode`` as pg_ctl's -m: smart, fast or immediate)."""
        self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", mode, "-w", "-t", "60")
        self.running = False

    def destroy(self) -> None:
        if self.running:
            self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)

    # -- logging in --------------------------------------------------------------------------

    def conninfo(self, user: str = ADMIN, password: str | None = None, *,
                 dbname: str = "postgres", tcp: bool = False, **extra: str) -> str:
        """A libpq connection string: over the socket, or over TCP to 127.0.0.1."""
        params = {"host": "127.0.0.1" if tcp else str(self.socket_dir),
                  "port": str(self.port), "dbname": dbname, "user": user}
        if password is not None:
            params["password"] = password
        params.update(extra)
        return psycopg.conninfo.make_conninfo(**params)

    @property
    def admin_conninfo(self) -> str:
        return self.conninfo(ADMIN)

    def create_database(self, name: str | None = None) -> str:
        name = name or f"clinic_{next(_counter)}_{secrets.token_hex(3)}"
        with psycopg.connect(self.admin_conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def fresh_clinic(self) -> Clinic:
        """A new database set up by ``init_server`` with two roles of its own."""
        from kiosk.server.schema import init_server

        dbname = self.create_database()
        suffix = dbname.removeprefix("clinic_")
        clinic = Clinic(self, dbname, f"kiosk_{suffix}", secrets.token_urlsafe(18),
                        f"desk_{suffix}", secrets.token_urlsafe(18))
        init_server(clinic.admin_conninfo, kiosk_role=clinic.kiosk_role,
                    desk_role=clinic.desk_role, kiosk_password=clinic.kiosk_password,
                    desk_password=clinic.desk_password)
        return clinic
