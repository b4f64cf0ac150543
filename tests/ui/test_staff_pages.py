"""The staff panel's Pages screen: load pages from a USB stick (checked first, changes in
words, the previous pages kept) and go back to them; no terminal, no system dialog."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.config import I18N_DIR
from kiosk.content.kiosk_pages import KioskPages
from kiosk.content.last_good import load_live
from kiosk.content.version_publish import publish_checked
from kiosk.content.versions import FolderVersionStore, VersionStore
from kiosk.i18n import load_translations
from kiosk.ui.services.content_watcher import ContentWatcher
from kiosk.ui.shell.window import KioskWindow

from .conftest import LANDSCAPE, WAIT_MS, cheap_services
from .test_staff_panel import unlock

PAGE = "en/10-the-sciatic-nerve.md"


def retitled(content_dir: Path, tmp_path: Path, title: str) -> Path:
    draft = tmp_path / "draft"
    shutil.copytree(content_dir, draft)
    page = draft / PAGE
    page.write_text(page.read_text(encoding="utf-8").replace(
        "title: What is the sciatic nerve?", f"title: {title}", 1), encoding="utf-8")
    return draft


@pytest.fixture
def kiosk(qtbot, make_settings, content_dir, tmp_path):
    """A kiosk on a content folder, its watcher live, and a USB stick slot (None: empty)."""
    settings = make_settings(content_dir, staff_hold_ms=100, reload_quiet_ms=50,
                             reload_settle_ms=60_000)
    stick: list[VersionStore | None] = [None]
    services = cheap_services(settings)
    services.pages = KioskPages(settings)
    services.find_stick = lambda: stick[0]
    watcher = ContentWatcher(settings)
    services.pages_shown = watcher.take_now
    window = KioskWindow(settings, load_translations(I18N_DIR, settings.languages),
                         load_live(settings).content, services)
    watcher.accepted.connect(window.update_content)
    qtbot.addWidget(window)
    window.resize(*LANDSCAPE)
    window.show()
    qtbot.waitExposed(window)
    watcher.start()
    yield window, settings, stick
    watcher.stop()
    services.signups.store.close()


def open_pages(qtbot, window):
    unlock(qtbot, window)
    qtbot.mouseClick(window.staff.signups.pages, Qt.MouseButton.LeftButton)
    screen = window.staff.pages
    assert window.staff.step is screen
    return screen


def tap_and_wait(qtbot, screen, button) -> None:
    with qtbot.waitSignal(screen.working.finished, timeout=WAIT_MS * 4):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def audit_actions(settings) -> list[tuple[str, str]]:
    lines = settings.audit_log.read_text(encoding="utf-8").splitlines()
    return [(r["action"], r["detail"]) for r in map(json.loads, lines)]


def section_titles(window) -> list[str]:
    return [s.title for s in window.sections]


def test_no_stick_says_what_to_do(qtbot, kiosk):
    window, _settings, _stick = kiosk
    screen = open_pages(qtbot, window)
    qtbot.mouseClick(screen.load, Qt.MouseButton.LeftButton)
    assert "Plug in the stick" in screen.message.text()
    assert not screen.confirm.isVisible()
    assert screen.load.height() >= 88


def test_load_from_the_stick_shows_the_change_then_go_back(qtbot, kiosk, content_dir,
                                                             tmp_path, make_settings):
    window, settings, stick = kiosk
    draft = retitled(content_dir, tmp_path, "The sciatic nerve, new words")
    store = FolderVersionStore(tmp_path / "usb" / "kiosk-pages")
    publish_checked(draft, make_settings(draft), store, author="Rosa", note="new title")
    stick[0] = store
    screen = open_pages(qtbot, window)
    tap_and_wait(qtbot, screen, screen.load)
    assert screen.confirm.isVisible()
    assert "passed every check" in screen.message.text()
    assert screen.changes.text() == (
        "\u2022 Changed: \u201cThe sciatic nerve, new words\u201d (English)")
    assert "What is the sciatic nerve?" in section_titles(window)  # nothing shown yet

    with qtbot.waitSignal(window.staff.pages.shown, timeout=WAIT_MS * 4):
        tap_and_wait(qtbot, screen, screen.confirm)
    qtbot.waitUntil(lambda: "The sciatic nerve, new words" in section_titles(window),
                    timeout=WAIT_MS)
    assert "Done." in screen.message.text()
    assert "Rosa: USB stick: new title" in screen.shown_now.text()

    stick[0] = None  # unplugged: going back needs nothing from it
    tap_and_wait(qtbot, screen, screen.back)
    assert screen.changes.text() == (
        "\u2022 Changed: \u201cWhat is the sciatic nerve?\u201d (English)")
    tap_and_wait(qtbot, screen, screen.confirm)
    qtbot.waitUntil(lambda: "What is the sciatic nerve?" in section_titles(window),
                    timeout=WAIT_MS)
    assert screen.message.text() == "Done. The previous pages are back."
    actions = audit_actions(settings)
    assert ("pages loaded from the USB stick", "stick version 1, kept as 2") in actions
    assert ("went back to the previous pages", "kept version 1") in actions


@pytest.mark.expect_log("kiosk.ui.pages.staff.pages_screen", r"pages refused")
def test_a_tampered_stick_is_refused_and_the_pages_stay(qtbot, kiosk, content_dir, tmp_path,
                                                        make_settings):
    window, settings, stick = kiosk
    draft = retitled(content_dir, tmp_path, "Tampered")
    store = FolderVersionStore(tmp_path / "usb" / "kiosk-pages")
    publish_checked(draft, make_settings(draft), store, author="Rosa", note="n")
    page = store.files_of(1) / PAGE
    page.chmod(0o644)
    page.write_text(page.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    stick[0] = store
    screen = open_pages(qtbot, window)
    tap_and_wait(qtbot, screen, screen.load)
    assert "were not loaded" in screen.message.text()
    assert "changed after it was published" in screen.message.text()
    assert not screen.confirm.isVisible()
    assert "Tampered" not in (content_dir / PAGE).read_text(encoding="utf-8")
    assert audit_actions(settings)[-1][:1] == ("pages refused", )


def test_locking_drops_an_offer_waiting_for_a_yes(qtbot, kiosk, content_dir, tmp_path,
                                                  make_settings):
    window, settings, stick = kiosk
    draft = retitled(content_dir, tmp_path, "Never shown")
    store = FolderVersionStore(tmp_path / "usb" / "kiosk-pages")
    publish_checked(draft, make_settings(draft), store, author="Rosa", note="n")
    stick[0] = store
    screen = open_pages(qtbot, window)
    tap_and_wait(qtbot, screen, screen.load)
    assert list(settings.data_dir.glob(".incoming-*"))
    window.staff.lock("button")
    assert not list(settings.data_dir.glob(".incoming-*"))
    assert "Never shown" not in (content_dir / PAGE).read_text(encoding="utf-8")


def test_the_pages_button_leaves_every_staff_button_its_words(qtbot, kiosk):
    window, _settings, _stick = kiosk
    window.resize(1080, 1920)
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.width() == 1080, timeout=WAIT_MS)
    listing = window.staff.signups
    for button in (listing.pages, listing.purge, listing.lock, listing.exit,
                   listing.contacted, listing.delete, listing.export):
        needed = button.fontMetrics().horizontalAdvance(button.text())
        assert button.contentsRect().width() >= needed, button.text()
