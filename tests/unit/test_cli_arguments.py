"""How the command line reads its arguments: one parse, typed commands, options anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import (
    EXIT_NO_DISPLAY,
    Check,
    Desk,
    Export,
    Preview,
    Run,
    display_problem,
    parse_args,
)

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "maple street front desk"


@pytest.mark.parametrize("argv", [
    ["--data-dir", "D", "--config", "C", "setup"],
    ["setup", "--data-dir", "D", "--config", "C"],
    ["--data-dir", "D", "setup", "--config", "C"],
])
def test_common_options_go_before_or_after_the_command(argv):
    assert parse_args(argv) == Desk(config=Path("C"), data_dir=Path("D"), name="setup")


def test_no_command_is_run_with_its_options_either_way():
    assert parse_args([]) == Run()
    assert parse_args(["--windowed", "--content", "X"]) == Run(windowed=True, content=Path("X"))
    assert parse_args(["run", "--windowed"]) == Run(windowed=True)
    assert parse_args(["--data-dir", "D", "run"]) == Run(data_dir=Path("D"))


def test_each_command_gets_its_own_typed_arguments():
    assert parse_args(["check", "F", "--reviews"]) == Check(folder=Path("F"), reviews=True)
    assert parse_args(["preview", "F"]) == Preview(folder=Path("F"))
    assert parse_args(["export", "--out", "x.csv", "--data-dir", "D"]) == Export(
        data_dir=Path("D"), out=Path("x.csv"))


def test_run_options_are_refused_with_another_command(capsys):
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--windowed", "setup"])
    assert stopped.value.code == 2
    assert "--windowed and --content go with 'run'" in capsys.readouterr().err


def main_py(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input=stdin,
                          capture_output=True, text=True, check=False, timeout=120, cwd=ROOT)


def test_main_py_takes_the_data_dir_before_the_command(tmp_path):
    """Was refused: "unrecognized arguments: --data-dir" (issue 14)."""
    data = tmp_path / "data"
    result = main_py("--data-dir", str(data), "setup",
                     stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n246813\n246813\n")
    assert result.returncode == 0, result.stderr
    assert "The staff PIN is set." in result.stderr
    assert (data / "clinic-keys.json").exists()


@pytest.mark.parametrize("command", [["setup"], ["check"], ["run"], []])
def test_a_config_error_is_one_line_and_code_2_for_every_command(tmp_path, command):
    missing = tmp_path / "nowhere.toml"
    result = main_py("--config", str(missing), "--data-dir", str(tmp_path / "d"), *command)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_the_kiosk_without_a_display_says_so_in_one_line(tmp_path):
    """Was: Qt's "xcb-cursor0 is needed... reinstalling may fix this" and a crash dump."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--windowed",
                             "--data-dir", str(tmp_path / "data")],
                            capture_output=True, text=True, check=False, timeout=120, cwd=ROOT,
                            env=env)
    assert result.returncode == EXIT_NO_DISPLAY
    assert result.stderr.startswith("error: no display to show the kiosk on")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize(("environ", "has_screen"), [
    ({}, False),
    ({"DISPLAY": ":0"}, True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, True),
    ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, False),
    ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}, True),
    ({"QT_QPA_PLATFORM": "offscreen:configfile=x.json"}, True),
    ({"QT_QPA_PLATFORM": "eglfs"}, True),
])
def test_which_platforms_need_a_display_server(environ, has_screen):
    assert (display_problem(environ, "linux") is None) is has_screen
