"""``kiosk desk`` on the command line: its options, and a clear refusal without a server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import EXIT_CONFIG, main
from kiosk.cli.arguments import DeskApp, parse_args

ROOT = Path(__file__).resolve().parents[3]


def test_desk_options_before_or_after_the_name(tmp_path: Path) -> None:
    assert parse_args(["desk"]) == DeskApp()
    assert parse_args(["--data-dir", str(tmp_path), "desk", "--language", "es",
                       "--lock-after-minutes", "2.5", "--desk-user", "maria"]) == DeskApp(
        data_dir=tmp_path, language="es", lock_after_minutes=2.5, desk_user="maria")


def test_without_a_server_the_desk_says_where_to_read_signups(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["kiosk", "--data-dir", str(tmp_path), "desk"])
    assert code == EXIT_CONFIG
    err = capsys.readouterr().err
    assert "no [server] table" in err
    assert "staff panel" in err


def test_a_lock_time_of_zero_is_refused(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "desk.toml"
    config.write_text('[server]\nconninfo = "service=clinic-desk"\nkiosk_name = "Desk"\n',
                      encoding="utf-8")
    code = main(["kiosk", "--config", str(config), "--data-dir", str(tmp_path), "desk",
                 "--lock-after-minutes", "0"])
    assert code == EXIT_CONFIG
    assert "--lock-after-minutes" in capsys.readouterr().err


def test_scripts_desk_is_one_command_that_starts_the_desk() -> None:
    script = ROOT / "scripts" / "desk"
    assert script.stat().st_mode & 0o111
    subprocess.run(["bash", "-n", str(script)], check=True)
    assert script.read_text(encoding="utf-8").rstrip().endswith('.venv/bin/kiosk" desk "$@"')
    help_text = subprocess.run([sys.executable, "-m", "kiosk", "desk", "--help"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout
    assert "--lock-after-minutes" in help_text
