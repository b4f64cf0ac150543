"""kiosk.toml's [server] table: absent means the embedded default; mistakes say where."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_settings
from kiosk.server.config import ServerConfig


def _load(tmp_path: Path, text: str) -> ServerConfig | None:
    clinic = tmp_path / "kiosk.toml"
    clinic.write_text(text)
    return load_settings(clinic, data_dir=tmp_path, environ={}).server


def test_no_server_is_the_embedded_default(tmp_path: Path) -> None:
    assert load_settings(data_dir=tmp_path, environ={}).server is None
    assert _load(tmp_path, "[server]\n") is None


def test_a_server_table_is_read(tmp_path: Path) -> None:
    assert _load(tmp_path, '[server]\nconninfo = "service=clinic-kiosk"\n'
                           'kiosk_name = "Waiting room 1"\nheartbeat_seconds = 60\n'
                           'poll_seconds = 1\n') == ServerConfig(
        "service=clinic-kiosk", "Waiting room 1", heartbeat_seconds=60, poll_seconds=1.0)
    verified = ("host=db.clinic.example dbname=clinic user=kiosk sslmode=verify-full "
                "sslrootcert=/etc/clinic/ca.crt")
    config = _load(tmp_path, f'[server]\nconninfo = "{verified}"\nkiosk_name = "Room 2"\n')
    assert config is not None
    assert config.conninfo == verified


@pytest.mark.parametrize(("text", "words"), [
    ('conninfo = "host=db.clinic.example user=kiosk"\nkiosk_name = "R"\n',
     "add sslmode=verify-full"),
    ('conninfo = "host=10.0.0.5 user=kiosk sslmode=require"\nkiosk_name = "R"\n',
     "add sslmode=verify-full"),
    ('conninfo = "host=localhost user=kiosk password=hunter2"\nkiosk_name = "R"\n',
     "must not hold the password; put it in the kiosk user's ~/.pgpass"),
    ('conninfo = "host=localhost user=kiosk port"\nkiosk_name = "R"\n', "cannot be read"),
    ('conninfo = "service=clinic-kiosk"\n', "'kiosk_name' is missing"),
    ('conninfo = "service=clinic-kiosk"\nkiosk_name = ""\n', "'kiosk_name' in [server]"),
    ('conninfo = "service=clinic-kiosk"\nkiosk_name = "R"\nheartbeat_seconds = 1\n',
     "between 5 and 3600"),
    ('conninfo = "service=clinic-kiosk"\nkiosk_name = "R"\npoll_seconds = true\n',
     "'poll_seconds' in [server] must be a number"),
    ('kiosk_name = "R"\n', "[server] needs 'conninfo'"),
    ('conninfo = "service=k"\nkiosk_name = "R"\nhost = "x"\n', "unknown key 'host'"),
])
def test_bad_server_settings_say_where_and_why(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=r"kiosk\.toml") as error:
        _load(tmp_path, "[server]\n" + text)
    assert words in str(error.value)
    assert "hunter2" not in str(error.value)
