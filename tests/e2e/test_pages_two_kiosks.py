"""Two real kiosk processes (offscreen, their own data and content folders) on one real
PostgreSQL: a version published at the desk reaches both; one broken on purpose, inserted
straight into the server, is refused by both, which keep what they show and log why; the
desk's "publish this version again" brings the first one back on both."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import load_settings
from kiosk.content.version_publish import publish_checked
from kiosk.server.page_versions import PgVersionStore
from tests.postgres import Clinic

from .conftest import ROOT, WAIT_S, wait_until

PAGE = "en/10-the-sciatic-nerve.md"
BUNDLED = ROOT / "resources" / "content"


def retitled(target: Path, title: str) -> Path:
    shutil.copytree(BUNDLED, target)
    page = target / PAGE
    page.write_text(page.read_text(encoding="utf-8").replace(
        "title: What is the sciatic nerve?", f"title: {title}", 1), encoding="utf-8")
    return target


def title(content: Path) -> str:
    return (content / PAGE).read_text(encoding="utf-8").splitlines()[1]


@pytest.fixture
def kiosks(clinic: Clinic, tmp_path: Path) -> Iterator[list[tuple[Path, Path]]]:
    """Two kiosks following the clinic server: (content folder, log file) each."""
    server = clinic.server
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{server.socket_dir}:{server.port}:{clinic.dbname}:"
                      f"{clinic.kiosk_role}:{clinic.kiosk_password}\n")
    pgpass.chmod(0o600)
    processes = []
    found = []
    for number in (1, 2):
        home = tmp_path / f"kiosk{number}"
        content = home / "content"
        shutil.copytree(BUNDLED, content)
        config = home / "kiosk.toml"
        config.write_text(
            "[server]\n"
            f'conninfo = "host={server.socket_dir} port={server.port} '
            f'dbname={clinic.dbname} user={clinic.kiosk_role}"\n'
            f'kiosk_name = "Waiting room {number}"\n'
            "poll_seconds = 1.0\n", encoding="utf-8")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PGPASSFILE": str(pgpass)}
        processes.append(subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--config", str(config), "--data-dir",
             str(home / "data"), "--content", str(content), "--windowed"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        found.append((content, home / "data" / "logs" / "kiosk.log"))
    try:
        yield found
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            _out, err = process.communicate(timeout=WAIT_S)
            assert "Traceback" not in err, err


def test_a_publish_reaches_both_kiosks_a_broken_one_is_refused_and_rollback(
        kiosks: list[tuple[Path, Path]], clinic: Clinic, tmp_path: Path) -> None:
    desk = PgVersionStore(clinic.desk_conninfo)
    try:
        draft = retitled(tmp_path / "desk-draft", "Published from the desk")
        settings = load_settings(content_dir=draft, data_dir=tmp_path / "desk-data",
                                 environ={})
        first = publish_checked(draft, settings, desk, author="Rosa", note="new title")
        assert first.version is not None
        for content, _log in kiosks:
            wait_until(lambda c=content: title(c) == "title: Published from the desk",
                       "the publish to reach the kiosk")

        broken = retitled(tmp_path / "broken", "Broken")
        (broken / PAGE).write_text("no front matter", encoding="utf-8")
        admin = PgVersionStore(clinic.admin_conninfo)
        try:
            admin.publish(broken, sorted(str(p.relative_to(broken)) for p in broken.rglob("*")
                                         if p.is_file()), author="x", note="broken")
        finally:
            admin.close()
        for content, log in kiosks:
            wait_until(lambda f=log: "published pages refused" in f.read_text(),
                       "the kiosk to refuse the broken version")
            assert title(content) == "title: Published from the desk"

        second = retitled(tmp_path / "second", "Second version")
        publish_checked(second, settings, desk, author="Rosa", note="second")
        for content, _log in kiosks:
            wait_until(lambda c=content: title(c) == "title: Second version",
                       "the second version to reach the kiosk")
        # One click in History: version 1's files become the newest version.
        again = tmp_path / "again"
        desk.export(first.version.number, again)
        publish_checked(again, settings, desk, author="Rosa", note="version 1 again")
        for content, _log in kiosks:
            wait_until(lambda c=content: title(c) == "title: Published from the desk",
                       "the rollback to reach the kiosk")
    finally:
        desk.close()
