"""`kiosk server init` and `purge` against a real PostgreSQL, and the login files they write
used as a kiosk and a desk would use them (libpq's own PGPASSFILE / PGSERVICEFILE)."""

from __future__ import annotations

import stat
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from kiosk.cli import main
from kiosk.server.config import ServerConfig
from kiosk.server.desk_store import DeskStore
from kiosk.server.errors import ServerUnavailable
from kiosk.server.kiosk_link import KioskLink
from kiosk.server.schema import SCHEMA_VERSION
from tests.postgres import PostgresServer

NOW = datetime.now(UTC)


@pytest.fixture
def database(postgres: PostgresServer) -> str:
    return postgres.create_database()


def _init(postgres: PostgresServer, dbname: str, logins: Path, *extra: str) -> int:
    return main(["kiosk", "server", "init", "--admin", postgres.conninfo(dbname=dbname),
                 "--host", "127.0.0.1", "--logins", str(logins),
                 "--kiosk-role", f"kiosk_{dbname}", "--desk-role", f"desk_{dbname}", *extra])


def _use(monkeypatch: pytest.MonkeyPatch, logins: Path, kind: str) -> None:
    monkeypatch.setenv("PGPASSFILE", str(logins / kind / "pgpass"))
    monkeypatch.setenv("PGSERVICEFILE", str(logins / kind / "pg_service.conf"))


def _send_as_kiosk(monkeypatch: pytest.MonkeyPatch, logins: Path) -> uuid.UUID:
    _use(monkeypatch, logins, "kiosk")
    entry = uuid.uuid4()
    with KioskLink(ServerConfig("service=clinic-kiosk", "room 1")) as link:
        link.send(entry, b"sealed", NOW, "v1")
    return entry


def test_init_writes_private_logins_that_work(
        postgres: PostgresServer, database: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    logins = tmp_path / "logins"
    assert _init(postgres, database, logins) == 0
    out = capsys.readouterr().out
    assert f"from schema version 0 to {SCHEMA_VERSION}" in out
    for path in [logins, *logins.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
    for kind in ("kiosk", "desk"):
        password = (logins / kind / "pgpass").read_text().strip().rsplit(":", 1)[1]
        assert len(password) >= 40
        assert password not in out
    entry = _send_as_kiosk(monkeypatch, logins)
    _use(monkeypatch, logins, "desk")
    with DeskStore("service=clinic-desk", "anna") as desk:
        assert [e.id for e in desk.entries()] == [entry]


def test_init_again_keeps_the_passwords_and_new_passwords_replaces_them(
        postgres: PostgresServer, database: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    logins = tmp_path / "logins"
    assert _init(postgres, database, logins) == 0
    first = (logins / "kiosk" / "pgpass").read_bytes()
    assert _init(postgres, database, logins) == 0
    assert "nothing to update" in capsys.readouterr().out
    assert (logins / "kiosk" / "pgpass").read_bytes() == first
    _send_as_kiosk(monkeypatch, logins)

    old = tmp_path / "old-pgpass"
    old.write_bytes(first)
    old.chmod(0o600)  # libpq ignores a password file others may read
    assert _init(postgres, database, logins, "--new-passwords") == 0
    assert (logins / "kiosk" / "pgpass").read_bytes() != first
    _send_as_kiosk(monkeypatch, logins)
    monkeypatch.setenv("PGPASSFILE", str(old))
    with KioskLink(ServerConfig("service=clinic-kiosk", "room 1")) as link, \
            pytest.raises(ServerUnavailable, match="refused the password"):
        link.send(uuid.uuid4(), b"sealed", NOW, "v1")


def test_a_failed_init_leaves_the_old_files_and_no_new_ones(
        postgres: PostgresServer, database: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    logins = tmp_path / "logins"
    assert _init(postgres, database, logins) == 0
    before = {p: p.read_bytes() for p in logins.rglob("*") if p.is_file()}
    with psycopg.connect(postgres.conninfo(dbname=database), autocommit=True) as conn:
        conn.execute("INSERT INTO kiosk_schema (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
    capsys.readouterr()
    assert _init(postgres, database, logins, "--new-passwords") == 1
    assert "newer than this program" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in logins.rglob("*") if p.is_file()} == before


def test_init_says_plainly_when_the_server_is_not_there(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kiosk", "server", "init", "--admin",
                 f"host={tmp_path} port=5 dbname=clinic", "--logins",
                 str(tmp_path / "logins")]) == 1
    assert "the clinic server is not running on this computer" in capsys.readouterr().err
    assert not (tmp_path / "logins").exists() or not any((tmp_path / "logins").iterdir())


def test_purge_follows_the_clinic_retention(
        postgres: PostgresServer, database: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    logins = tmp_path / "logins"
    assert _init(postgres, database, logins) == 0
    _use(monkeypatch, logins, "kiosk")
    with KioskLink(ServerConfig("service=clinic-kiosk", "room 1")) as link:
        link.send(uuid.uuid4(), b"old", NOW - timedelta(days=31), "v1")
        link.send(uuid.uuid4(), b"new", NOW - timedelta(days=29), "v1")
    config = tmp_path / "kiosk.toml"
    config.write_text("[signup]\nretention_days = 30\n")
    capsys.readouterr()
    assert main(["kiosk", "server", "purge", "--config", str(config), "--data-dir",
                 str(tmp_path / "data"), "--admin", postgres.conninfo(dbname=database)]) == 0
    assert "Deleted 1 sign-up older than 30 days" in capsys.readouterr().out
    _use(monkeypatch, logins, "desk")
    with DeskStore("service=clinic-desk", "anna") as desk:
        assert [e.sealed for e in desk.entries()] == [b"new"]


def test_a_password_file_others_may_read_is_named(
        postgres: PostgresServer, database: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    logins = tmp_path / "logins"
    assert _init(postgres, database, logins) == 0
    (logins / "kiosk" / "pgpass").chmod(0o644)
    _use(monkeypatch, logins, "kiosk")
    with KioskLink(ServerConfig("service=clinic-kiosk", "room 1")) as link, \
            pytest.raises(ServerUnavailable, match="must be readable by its user only"):
        link.send(uuid.uuid4(), b"sealed", NOW, "v1")
