"""The rotating log: private, survives an unwritable folder, and catches start-up crashes."""

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.logging_setup import setup_logging

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def restore_logging(monkeypatch) -> Iterator[None]:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    root = logging.getLogger()
    level = root.level
    yield
    for handler in [h for h in root.handlers if getattr(h, "_kiosk", False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_the_log_file_is_private(tmp_path):
    log_file = tmp_path / "logs" / "kiosk.log"
    setup_logging(log_file, to_stderr=False)
    logging.getLogger("kiosk.test").info("page attract")
    assert "INFO kiosk.test: page attract" in log_file.read_text(encoding="utf-8")
    assert log_file.stat().st_mode & 0o777 == 0o600
    assert log_file.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.expect_log("kiosk.logging_setup", r"cannot write the log file")
@pytest.mark.expect_log("kiosk.test", r"still logging")
def test_an_unwritable_log_folder_falls_back_to_stderr(tmp_path, capsys):
    in_the_way = tmp_path / "logs"
    in_the_way.write_text("not a folder", encoding="utf-8")
    setup_logging(in_the_way / "kiosk.log", to_stderr=False)
    logging.getLogger("kiosk.test").warning("still logging")
    err = capsys.readouterr().err
    assert "cannot write the log file" in err
    assert "WARNING kiosk.test: still logging" in err


def test_a_crash_during_start_up_reaches_the_log_file(tmp_path):
    log_file = tmp_path / "logs" / "kiosk.log"
    code = ("import sys; from pathlib import Path; from kiosk.logging_setup import setup_logging;"
            "setup_logging(Path(sys.argv[1])); raise ValueError('start-up bug')")
    done = subprocess.run([sys.executable, "-c", code, str(log_file)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    text = log_file.read_text(encoding="utf-8")
    assert "CRITICAL kiosk.logging_setup: unexpected error while starting" in text
    assert "Traceback (most recent call last)" in text
    assert "ValueError: start-up bug" in text
    # Once on stderr (the journal), through the log's own stderr handler.
    assert done.stderr.count("ValueError: start-up bug") == 1
