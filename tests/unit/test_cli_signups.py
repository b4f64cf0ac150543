"""The front desk's terminal commands, run as real processes on a fresh data folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PASSPHRASE = "maple street front desk"


def kiosk(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args, "--data-dir", str(data)],
                          input=stdin, capture_output=True, text=True, check=False, timeout=120)


def test_setup_then_export_an_empty_list(tmp_path):
    data = tmp_path / "data"
    result = kiosk(data, "setup", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n246813\n246813\n")
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
    kiosk(data, "setup", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n246813\n246813\n")
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
    kiosk(data, "setup", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n246813\n246813\n")
    result = kiosk(data, "set-pin", stdin="135790\n135790\n")
    assert result.returncode == 0, result.stderr
    result = kiosk(data, "set-pin", stdin="1357\n1357\n")
    assert result.returncode == 1
    assert "6 to 8 digits" in result.stderr
    result = kiosk(data, "purge")
    assert result.returncode == 0, result.stderr
    assert "Sign-ups older than 90 days deleted: 0." in result.stderr
    audit = (data / "audit.log").read_text(encoding="utf-8")
    assert "set pin" in audit


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
def test_unlock_panel_ends_a_lockout_a_patient_keeps_going(tmp_path):
    """Issue 13 item 3: one wrong PIN as each lockout ends kept staff out for ever."""
    from kiosk.security import LOCKOUT_AFTER, PinGuard

    data = tmp_path / "data"
    kiosk(data, "setup", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n246813\n246813\n")
    now = [1_000_000.0]
    screen = PinGuard(data / "staff-pin.json", clock=lambda: now[0])  # the running kiosk
    for _ in range(LOCKOUT_AFTER):
        now[0] += 60 * 60
        screen.check("000000")
    assert screen.check("246813").locked
    result = kiosk(data, "unlock-panel")
    assert result.returncode == 0, result.stderr
    assert f"{LOCKOUT_AFTER} wrong tries forgotten" in result.stderr
    assert screen.check("246813").ok
    audit = (data / "audit.log").read_text(encoding="utf-8")
    assert "panel unlocked" in audit
    assert "from a terminal by" in audit


def test_unlock_panel_before_setup_says_what_to_do(tmp_path):
    result = kiosk(tmp_path / "data", "unlock-panel")
    assert result.returncode == 1
    assert "kiosk setup" in result.stderr


def test_change_passphrase_for_when_someone_leaves(tmp_path):
    data = tmp_path / "data"
    kiosk(data, "setup", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n246813\n246813\n")
    new = "a new desk sentence"
    result = kiosk(data, "change-passphrase", stdin=f"not it at all\n{new}\n{new}\n")
    assert result.returncode == 1
    assert "nothing was changed" in result.stderr
    result = kiosk(data, "change-passphrase", stdin=f"{PASSPHRASE}\n{new}\n{new}\n")
    assert result.returncode == 0, result.stderr
    assert kiosk(data, "export", "--out", str(tmp_path / "old.csv"),
                 stdin=f"{PASSPHRASE}\n").returncode == 1
    assert kiosk(data, "export", "--out", str(tmp_path / "new.csv"),
                 stdin=f"{new}\n").returncode == 0
    assert "change passphrase" in (data / "audit.log").read_text(encoding="utf-8")


def test_export_refuses_a_keys_file_set_too_cheap_and_says_why(tmp_path):
    from tests.unit.test_signup_crypto import write_keys_at

    data = tmp_path / "data"
    kiosk(data, "setup", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n246813\n246813\n")
    write_keys_at(data / "clinic-keys.json", PASSPHRASE, 1, 8192)
    result = kiosk(data, "export", "--out", str(tmp_path / "x.csv"), stdin=f"{PASSPHRASE}\n")
    assert result.returncode == 1
    assert "set too cheap (1 passes, 8 KiB" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_export_lists_an_entry_that_cannot_be_opened_and_says_how_many(tmp_path):
    import nacl.public

    from kiosk.signups.store import SignupStore

    data = tmp_path / "data"
    kiosk(data, "setup", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n246813\n246813\n")
    with SignupStore.open(data / "signups.db") as store:  # sealed to another key
        other = nacl.public.PrivateKey.generate().public_key
        entry_id = store.add(nacl.public.SealedBox(other).encrypt(b'{"x": 1}'), "v1")
    out = tmp_path / "out.csv"
    result = kiosk(data, "export", "--out", str(out), stdin=f"{PASSPHRASE}\n")
    assert result.returncode == 0, result.stderr
    assert "Sign-ups written: 1" in result.stderr
    assert "1 of them could not be read" in result.stderr
    rows = out.read_text(encoding="utf-8-sig").strip().splitlines()
    assert len(rows) == 2
    assert rows[1].startswith(f"{entry_id},")
    assert "could not be read" in rows[1]
