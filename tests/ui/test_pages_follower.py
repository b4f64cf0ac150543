"""A kiosk follows the clinic server's pages: a publish reaches it by NOTIFY, is checked and
swapped in, and the watcher is told; a version broken on the server is refused, the pages
stay, and the status (for the heartbeat) says why. Real PostgreSQL, real threads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.content.kiosk_pages import KioskPages
from kiosk.content.version_publish import publish_checked
from kiosk.server.page_versions import PgVersionStore
from kiosk.ui.services.pages_follower import PagesFollower

from .conftest import WAIT_MS

PAGE = "en/10-the-sciatic-nerve.md"


def retitled(source: Path, target: Path, title: str) -> Path:
    shutil.copytree(source, target)
    page = target / PAGE
    page.write_text(page.read_text(encoding="utf-8").replace(
        "title: What is the sciatic nerve?", f"title: {title}", 1), encoding="utf-8")
    return target


@pytest.mark.expect_log("kiosk.ui.services.pages_follower", r"published pages refused")
def test_a_publish_reaches_the_kiosk_and_a_broken_one_is_refused(
        qtbot, clinic, content_dir, make_settings, tmp_path):
    original = tmp_path / "original"
    shutil.copytree(content_dir, original)
    desk = PgVersionStore(clinic.desk_conninfo)
    kiosk_store = PgVersionStore(clinic.kiosk_conninfo)
    shown: list[int] = []
    # Polling every 60 s: within the wait only the NOTIFY can wake it.
    follower = PagesFollower(KioskPages(make_settings(content_dir)), kiosk_store,
                             kiosk_store.wait_for_change, lambda: shown.append(1),
                             poll_seconds=60, close=kiosk_store.close)
    follower.start()
    try:
        qtbot.waitUntil(lambda: follower.status()[0] == "local", timeout=WAIT_MS)
        new = retitled(original, tmp_path / "new", "From the desk")
        published = publish_checked(new, make_settings(new), desk, author="Rosa",
                                    note="new").version
        assert published is not None
        qtbot.waitUntil(lambda: shown == [1], timeout=WAIT_MS)
        assert "title: From the desk" in (content_dir / PAGE).read_text(encoding="utf-8")
        assert follower.status()[0] == f"sha256:{published.digest[:12]}"

        broken = retitled(original, tmp_path / "broken", "Broken")
        (broken / PAGE).write_text("no front matter", encoding="utf-8")
        admin = PgVersionStore(clinic.admin_conninfo)
        try:
            admin.publish(broken, [str(p.relative_to(broken)) for p in broken.rglob("*")
                                   if p.is_file()], author="x", note="broken")
        finally:
            admin.close()
        qtbot.waitUntil(lambda: follower.status()[1] != "", timeout=WAIT_MS)
        version, why = follower.status()
        assert version == f"sha256:{published.digest[:12]}"
        assert "was refused" in why
        assert "title: From the desk" in (content_dir / PAGE).read_text(encoding="utf-8")
        assert shown == [1]
    finally:
        follower.stop()
        desk.close()
