"""A file name with a newline, a terminal escape or a right-to-left override can neither forge
a line of `kiosk check` output or of the log, nor reach the terminal raw; it is refused."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.config import load_settings
from kiosk.content.last_good import load_for_startup
from kiosk.content.loader import load_content

FORGED_LINE = "10-the-sciatic-nerve.md:1: all good"
NAMES = {
    "newline": f"notes\n{FORGED_LINE}.md",
    "escape": "\x1b[2J\x1b[31mred.md",
    "bidi override": "10-evil\u202edm.txt.md",
    "line separator": "10-a\u2028b.md",
}


def _put(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text((folder / "10-the-sciatic-nerve.md").read_text(encoding="utf-8")
                    .replace("order: 10", "order: 77"), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(NAMES.values()), ids=list(NAMES))
def test_such_a_name_is_refused_and_named_with_escapes(content_dir, name):
    _put(content_dir / "en", name)
    result = load_content(content_dir, ("en", "es"), "en")
    assert result.content is None
    refused = [str(p) for p in result.errors if "control or invisible" in p.message]
    assert len(refused) == 1, [str(p) for p in result.errors]
    assert refused[0].isprintable(), repr(refused[0])
    assert ascii(name[:5])[1:-1] in refused[0] or name[:5] in refused[0]


def test_a_picture_with_such_a_name_is_refused(content_dir):
    (content_dir / "images" / "x\x1b[2J.svg").write_bytes(
        (content_dir / "images" / "sciatic-nerve-path.svg").read_bytes())
    result = load_content(content_dir, ("en", "es"), "en")
    assert any("control or invisible" in p.message for p in result.errors)
    assert all(str(p).isprintable() for p in result.problems)


def test_kiosk_check_prints_no_forged_line_and_no_raw_escape(content_dir):
    for name in NAMES.values():
        _put(content_dir / "en", name)
    # A page with a real error too, so every problem of every file is printed.
    done = subprocess.run([sys.executable, "-m", "kiosk", "check", str(content_dir)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert "\x1b" not in output
    assert "\u202e" not in output
    assert "\u2028" not in output
    lines = done.stdout.splitlines()
    assert not [line for line in lines if line.startswith(FORGED_LINE)], lines
    # Every line is a whole `file:line: message`, each starting at the content folder.
    assert all(line.startswith(str(content_dir)) for line in lines), lines


@pytest.mark.expect_log("kiosk.content.last_good", r"has control or invisible characters in it")
@pytest.mark.expect_log("kiosk.content.last_good", r"showing the content from")
@pytest.mark.expect_log("kiosk.content.last_good", r"has \d+ error\(s\)")
def test_log_lines_about_such_names_are_one_printable_line(content_dir, tmp_path, caplog):
    _put(content_dir / "en", NAMES["newline"])
    _put(content_dir / "en", NAMES["escape"])
    settings = load_settings(content_dir=content_dir, data_dir=tmp_path / "data", environ={})
    with caplog.at_level(logging.INFO, logger="kiosk"):
        # A clock an hour on: the names were written just now, and a folder still changing
        # at start-up is not checked until it settles.
        load_for_startup(settings, clock=lambda: time.time() + 3600)
    messages = [record.getMessage() for record in caplog.records]
    assert any("control or invisible" in m for m in messages), messages
    assert all(m.isprintable() for m in messages), [m for m in messages if not m.isprintable()]
