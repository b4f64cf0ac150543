"""End to end: the real kiosk under Xvfb and the real desk app (both as programs, on their
own data folders) on one real PostgreSQL. A sign-up tapped on the kiosk shows up at the
desk, which alone can read it: the kiosk holds only the public key and the kiosk login
(INSERT only), and the desk's CSV export holds the name."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from kiosk.config import load_settings
from kiosk.content.last_good import load_live
from kiosk.signups import crypto
from tests.postgres import Clinic

from .conftest import ARTIFACTS, ROOT, WAIT_S, Kiosk, wait_until
from .test_signup_taps import type_on_screen

NAME = "Zoë Peña-Núñez"
PASSPHRASE = "maple street front desk"


def _login_files(folder: Path, clinic: Clinic, role: str, password: str) -> tuple[Path, Path]:
    """A kiosk.toml whose [server] names this login, and its .pgpass (0600): libpq's own
    conventions, no password in kiosk.toml."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    server = clinic.server
    pgpass = folder / "pgpass"
    pgpass.write_text(f"*:*:*:{role}:{password}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    config = folder / "kiosk.toml"
    config.write_text(
        "[server]\n"
        f'conninfo = "host={server.socket_dir} port={server.port} dbname={clinic.dbname} '
        f'user={role}"\n'
        f'kiosk_name = "Waiting room 1"\n'
        "heartbeat_seconds = 5\n", encoding="utf-8")
    return config, pgpass


def test_a_signup_tapped_on_the_kiosk_shows_up_at_the_desk(
        make_screen, start_kiosk, clinic: Clinic, tmp_path: Path) -> None:
    # The desk's computer: the clinic's keys (made at the desk) and the desk's login.
    desk_data = tmp_path / "desk-data"
    desk_data.mkdir(mode=0o700)
    desk_keys = desk_data / "clinic-keys.json"
    crypto.create_keys(desk_keys, PASSPHRASE, opslimit=crypto.OPSLIMIT_FLOOR,
                       memlimit=crypto.MEMLIMIT_FLOOR)
    desk_config, desk_pgpass = _login_files(tmp_path / "desk-login", clinic, clinic.desk_role,
                                            clinic.desk_password)
    # The kiosk: only the public half, and the kiosk's login.
    kiosk_settings = load_settings(data_dir=tmp_path / "data")
    kiosk_settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    crypto.save_public_key(kiosk_settings.keys_file, crypto.public_key_from_file(desk_keys))
    kiosk_config, kiosk_pgpass = _login_files(tmp_path / "kiosk-login", clinic,
                                              clinic.kiosk_role, clinic.kiosk_password)

    screen = make_screen(1080, 1920)
    desk_env = {**os.environ, "DISPLAY": screen.display, "QT_QPA_PLATFORM": "xcb",
                "KIOSK_DATA_DIR": str(desk_data), "PGPASSFILE": str(desk_pgpass)}
    desk = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "desk", "--config", str(desk_config),
         "--desk-user", "e2e"], env=desk_env, cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        window = screen.run("timeout", str(WAIT_S), "xdotool", "search", "--sync",
                            "--onlyvisible", "--name", "Front desk").splitlines()[0]

        def desk_title() -> str:
            return screen.run("xdotool", "getwindowname", window)

        screen.run("xdotool", "windowfocus", "--sync", window)
        screen.run("xdotool", "type", "--window", window, PASSPHRASE)
        screen.run("xdotool", "key", "--window", window, "Return")

        os.environ["PGPASSFILE"] = str(kiosk_pgpass)  # start_kiosk passes os.environ on
        try:
            kiosk: Kiosk = start_kiosk(screen, "--config", str(kiosk_config))
        finally:
            del os.environ["PGPASSFILE"]
        kiosk.wait_title("attract")
        kiosk.tap("Start")
        kiosk.tap("All topics")
        kiosk.wait_title("topics")
        content = load_live(kiosk_settings).content
        assert content is not None
        kiosk.tap(content.sections()[-1].title)
        kiosk.tap("Ask us to contact you")
        kiosk.wait_title("signup")
        kiosk.tap("field_name")
        type_on_screen(kiosk, NAME)
        kiosk.tap("Done")
        kiosk.tap("field_phone")
        type_on_screen(kiosk, "2025550143")
        kiosk.tap("Done")
        kiosk.tap("Afternoon")
        kiosk.tap("Yes, you may contact me")
        kiosk.tap("Send")
        kiosk.wait_title("thanks")

        # At the desk: counted as new in the title (the taskbar), readable in the export.
        wait_until(lambda: "(1 new)" in desk_title(), "the sign-up at the desk")
        kiosk.stop()  # the desk, behind the full-screen kiosk, comes into view
        screen.screenshot(ARTIFACTS / "kiosk-to-desk.png")
        out = tmp_path / "from-the-desk.csv"
        screen.run("xdotool", "windowfocus", "--sync", window)
        screen.run("xdotool", "key", "ctrl+s")
        dialog = screen.run("timeout", str(WAIT_S), "xdotool", "search", "--sync",
                            "--onlyvisible", "--name", "Save the sign-ups as").splitlines()[0]
        screen.run("xdotool", "windowfocus", "--sync", dialog)
        screen.run("xdotool", "key", "ctrl+a")
        screen.run("xdotool", "type", str(out))
        screen.run("xdotool", "key", "Return")
        wait_until(out.exists, "the desk's CSV")
        with out.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        assert [(r["name"], r["phone"], r["kiosk"]) for r in rows] == [
            (NAME, "'+12025550143", "Waiting room 1")]
    finally:
        desk.terminate()
        _out, err = desk.communicate(timeout=WAIT_S)
    assert "Traceback" not in err, err
    # The kiosk can never read it back: its login may not select sign-ups...
    with psycopg.connect(clinic.kiosk_conninfo) as conn, pytest.raises(
            psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT sealed FROM entries")
    # ...and its keys file has no private key to open them with.
    assert not crypto.holds_private_key(kiosk_settings.keys_file)
