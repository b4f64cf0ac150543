"""The front desk's terminal commands, run as real processes on a fresh data folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PASSPHRASE = "maple street front desk"


def kiosk(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args, "--data-dir", str(data)],
                          input=stdin, capture_output=True, text=True, check=False, timeout=120)


def test_setup_then_export_an_empty_list(tmp_path):
    data = tmp_path / "data"
    result = kiosk(data, "setup", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n2468\n2468\n")
    assert result.returncode == 0, result.stderr
    assert "The staff PIN is set." in result.stderr
    for name in ("clinic-keys.json", "staff-pin.json", "signups.db", "audit.log"):
        path = data / name
        if path.exists():
            assert path.stat().st_mode & 0o777 == 0o600, name
    assert (data / "clinic-keys.json").exists()
    assert PASSPHRASE not in (data / "clinic-keys.json").read_text(encoding="utf-8")

    out = tmp_path / "out.csv"
    result = kiosk(data, "export", "--out", str(out), stdin=f"{PASSPHRASE}\n")
    assert result.returncode == 0, result.stderr
    assert "Sign-ups written: 0" in result.stderr
    assert out.read_text(encoding="utf-8-sig").startswith("id,")


def test_setup_refuses_mismatched_or_weak_secrets(tmp_path):
    data = tmp_path / "data"
    result = kiosk(data, "setup", stdin=f"{PASSPHRASE}\nsomething else\n")
    assert result.returncode == 1
    assert "not the same" in result.stderr
    assert not (data / "clinic-keys.json").exists()
    result = kiosk(data, "setup", stdin="short\nshort\n")
    assert result.returncode == 1
    assert not (data / "clinic-keys.json").exists()


def test_export_with_the_wrong_passphrase_writes_nothing(tmp_path):
    data = tmp_path / "data"
    kiosk(data, "setup", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n2468\n2468\n")
    out = tmp_path / "out.csv"
    result = kiosk(data, "export", "--out", str(out), stdin="guess\n")
    assert result.returncode == 1
    assert "not right" in result.stderr
    assert not out.exists()


def test_export_before_setup_says_what_to_do(tmp_path):
    result = kiosk(tmp_path / "data", "export", "--out", str(tmp_path / "x.csv"),
                   stdin="anything\n")
    assert result.returncode == 1
    assert "kiosk setup" in result.stderr


def test_set_pin_and_purge(tmp_path):
    data = tmp_path / "data"
    kiosk(data, "setup", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n2468\n2468\n")
    result = kiosk(data, "set-pin", stdin="13579\n13579\n")
    assert result.returncode == 0, result.stderr
    result = kiosk(data, "set-pin", stdin="12\n12\n")
    assert result.returncode == 1
    result = kiosk(data, "purge")
    assert result.returncode == 0, result.stderr
    assert "Sign-ups older than 90 days deleted: 0." in result.stderr
    audit = (data / "audit.log").read_text(encoding="utf-8")
    assert "set pin" in audit
