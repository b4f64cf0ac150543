"""The desk window's Pages tab publishes to the clinic server, where kiosks read versions
(the wiring in kiosk.desk_app; the view itself is tested in tests/ui/test_desk_pages.py)."""

from __future__ import annotations

from pathlib import Path

from kiosk.server.page_versions import PgVersionStore
from tests.postgres import Clinic

from .conftest import WAIT_MS, unlock


def test_the_pages_tab_publishes_to_the_clinic_server(qtbot, make_desk, make_settings,
                                                     clinic: Clinic, content_dir: Path,
                                                     tmp_path: Path) -> None:
    drafts = tmp_path / "drafts"
    desk = make_desk(settings=make_settings(), pages_drafts=drafts)
    unlock(qtbot, desk)
    qtbot.waitUntil(lambda: desk.window.is_unlocked, timeout=WAIT_MS)
    tabs = desk.window.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles[-1] == "Pages"
    view = desk.pages
    assert view is not None
    assert tabs.widget(len(titles) - 1) is view
    # An empty drafts folder starts from the shipped pages.
    assert (drafts / "en").is_dir()

    qtbot.waitUntil(lambda: view.settled, timeout=WAIT_MS * 3)
    view.note.setText("first from the desk")
    with qtbot.waitSignal(view.published, timeout=WAIT_MS * 4):
        view.publish.click()
    # What a kiosk would read, through the kiosk's own login.
    kiosk_side = PgVersionStore(clinic.kiosk_conninfo)
    try:
        history = kiosk_side.history()
    finally:
        kiosk_side.close()
    assert [(v.number, v.note, v.author) for v in history] == [
        (1, "first from the desk", "test-desk")]


def test_a_desk_without_the_pages_tab_has_only_its_own_tabs(qtbot, make_desk) -> None:
    desk = make_desk(with_pages=False)
    assert desk.pages is None
    assert [desk.window.tabs.tabText(i) for i in range(desk.window.tabs.count())] == [
        "Sign-ups", "Kiosks"]
