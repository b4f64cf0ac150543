"""Published versions: numbered, immutable, every file hashed; a kiosk takes only an intact,
checked one, keeps what it showed, goes back, and shows a scheduled one at its time."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.content.files import fingerprint
from kiosk.content.kiosk_pages import KioskPages
from kiosk.content.last_good import load_for_startup
from kiosk.content.version_publish import publish_checked
from kiosk.content.versions import (
    FolderVersionStore,
    VersionDamagedError,
    VersionError,
    live_at,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def edited(content_dir: Path, tmp_path: Path, name: str, old: str, new: str) -> Path:
    draft = tmp_path / name
    shutil.copytree(content_dir, draft)
    page = draft / "en" / "10-the-sciatic-nerve.md"
    text = page.read_text(encoding="utf-8")
    assert old in text
    page.write_text(text.replace(old, new, 1), encoding="utf-8")
    return draft


def page_text(folder: Path) -> str:
    return (folder / "en" / "10-the-sciatic-nerve.md").read_text(encoding="utf-8")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_publish_keeps_every_used_file_with_its_hash_and_numbers_grow(
        content_dir, tmp_path, make_settings):
    store = FolderVersionStore(tmp_path / "stick" / "kiosk-pages")
    settings = make_settings(content_dir)
    first = publish_checked(content_dir, settings, store, author="Rosa", note="first", now=T0)
    second = publish_checked(content_dir, settings, store, author="Rosa", note="again",
                             now=T0 + timedelta(hours=1))
    assert first.version is not None
    assert second.version is not None
    assert (first.version.number, second.version.number) == (1, 2)
    assert first.version.digest == second.version.digest
    assert "en/10-the-sciatic-nerve.md" in first.version.files
    assert any(name.startswith("images/") for name in first.version.files)
    assert [v.note for v in store.history()] == ["again", "first"]
    assert store.verify(1) == []
    # Read-only on disk: an editor opening a published page cannot save over it.
    published = store.files_of(1) / "en" / "10-the-sciatic-nerve.md"
    assert published.stat().st_mode & 0o222 == 0


def test_a_folder_with_an_error_is_not_published(content_dir, make_settings, tmp_path):
    (content_dir / "en" / "10-the-sciatic-nerve.md").write_text("no front matter")
    store = FolderVersionStore(tmp_path / "store")
    outcome = publish_checked(content_dir, make_settings(content_dir), store, author="a",
                              note="n")
    assert outcome.version is None
    assert outcome.result.errors
    assert store.history() == []


def test_a_tampered_version_is_refused_whole(content_dir, tmp_path, make_settings):
    store = FolderVersionStore(tmp_path / "store")
    publish_checked(content_dir, make_settings(content_dir), store, author="a", note="n")
    page = store.files_of(1) / "en" / "10-the-sciatic-nerve.md"
    page.chmod(0o644)
    page.write_text(page.read_text(encoding="utf-8") + "\nextra words\n", encoding="utf-8")
    assert store.verify(1) == ["en/10-the-sciatic-nerve.md was changed after it was published"]
    with pytest.raises(VersionDamagedError, match="changed after it was published"):
        store.export(1, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_extra_file_in_a_version_is_refused(content_dir, tmp_path, make_settings):
    store = FolderVersionStore(tmp_path / "store")
    publish_checked(content_dir, make_settings(content_dir), store, author="a", note="n")
    (store.files_of(1) / "en" / "99-sneaked-in.md").write_text("x")
    assert store.verify(1) == ["en/99-sneaked-in.md is not part of this version"]
    with pytest.raises(VersionDamagedError):
        store.export(1, tmp_path / "out")


def test_a_number_taken_meanwhile_is_never_overwritten(content_dir, tmp_path, make_settings):
    store = FolderVersionStore(tmp_path / "store")
    settings = make_settings(content_dir)
    publish_checked(content_dir, settings, store, author="a", note="one")
    before = (store.files_of(1).parent / "manifest.json").read_bytes()
    # Another desk's version 2 appears while this one is being written.
    shutil.copytree(store.files_of(1).parent, tmp_path / "store" / "0002")
    third = publish_checked(content_dir, settings, store, author="b", note="three").version
    assert third is not None
    assert third.number == 3
    assert (store.files_of(1).parent / "manifest.json").read_bytes() == before


def test_live_at_takes_a_scheduled_version_at_its_start(content_dir, tmp_path, make_settings):
    store = FolderVersionStore(tmp_path / "store")
    settings = make_settings(content_dir)
    publish_checked(content_dir, settings, store, author="a", note="now", now=T0)
    holiday = publish_checked(content_dir, settings, store, author="a", note="holiday",
                              starts_at=T0 + timedelta(days=20), now=T0 + timedelta(hours=1))
    assert holiday.version is not None
    history = store.history()
    assert live_at(history, T0 + timedelta(days=19)).note == "now"
    assert live_at(history, T0 + timedelta(days=20)).note == "holiday"
    with pytest.raises(VersionError):
        store.get(7)


@pytest.fixture
def kiosk(content_dir, make_settings):
    clock = Clock(T0)
    settings = make_settings(content_dir)
    return KioskPages(settings, clock=clock), settings, clock


def test_a_kiosk_takes_an_intact_version_keeps_the_old_one_and_goes_back(
        kiosk, content_dir, tmp_path, make_settings):
    pages, _settings, _clock = kiosk
    original = page_text(content_dir)
    draft = edited(content_dir, tmp_path, "draft", "title:", "title: New:")
    stick = FolderVersionStore(tmp_path / "stick")
    publish_checked(draft, make_settings(draft), stick, author="Rosa", note="new title", now=T0)
    offer = pages.offer(stick, origin="USB stick")
    assert offer.ok, offer.refused
    assert offer.changes == ["Changed: \u201cNew: What is the sciatic nerve?\u201d (English)"]
    pages.apply(offer)
    assert page_text(content_dir) == page_text(draft)
    shown = pages.shown()
    assert shown is not None
    assert shown.note == "USB stick: new title"
    previous = pages.previous()
    assert previous is not None
    assert previous.note == "the pages shown before"
    back = pages.offer_previous()
    assert back.ok
    assert back.changes[0].startswith("Changed: ")
    pages.apply(back)
    assert page_text(content_dir) == original
    assert pages.shown() == previous
    assert pages.kept.verify(previous.number) == []


def test_a_tampered_version_leaves_the_kiosk_as_it_was(kiosk, content_dir, tmp_path):
    pages, settings, _clock = kiosk
    stick = FolderVersionStore(tmp_path / "stick")
    publish_checked(content_dir, settings, stick, author="a", note="n", now=T0)
    page = stick.files_of(1) / "en" / "10-the-sciatic-nerve.md"
    page.chmod(0o644)
    page.write_text("---\ntitle: Forged\n---\n", encoding="utf-8")
    before = (fingerprint(content_dir, settings.languages), content_dir.stat().st_ino)
    offer = pages.offer(stick)
    assert not offer.ok
    assert "changed after it was published" in offer.refused
    with pytest.raises(VersionError):
        pages.apply(offer)
    assert (fingerprint(content_dir, settings.languages), content_dir.stat().st_ino) == before
    assert pages.shown() is None
    assert not list(settings.data_dir.glob(".incoming-*"))


def test_a_version_that_fails_the_check_on_the_kiosk_is_refused(kiosk, content_dir, tmp_path):
    pages, _settings, _clock = kiosk
    draft = edited(content_dir, tmp_path, "bad", "title:", "titel:")
    stick = FolderVersionStore(tmp_path / "stick")
    # Written straight into the store, past the desk's check (as a broken server row would be).
    names = [str(p.relative_to(draft)) for p in draft.rglob("*") if p.is_file()]
    stick.publish(draft, names, author="x", note="broken", now=T0)
    offer = pages.offer(stick)
    assert not offer.ok
    assert "was refused: en/10-the-sciatic-nerve.md:" in offer.refused
    assert page_text(content_dir) != page_text(draft)


def test_a_scheduled_version_goes_live_at_its_time(kiosk, content_dir, tmp_path, make_settings):
    pages, _settings, clock = kiosk
    holiday = edited(content_dir, tmp_path, "holiday", "title:", "title: Holiday:")
    stick = FolderVersionStore(tmp_path / "stick")
    publish_checked(content_dir, make_settings(content_dir), stick, author="a", note="now",
                    now=T0)
    publish_checked(holiday, make_settings(holiday), stick, author="a", note="holidays",
                    starts_at=T0 + timedelta(days=2), now=T0)
    now_offer = pages.offer(stick, origin="USB stick")
    assert now_offer.version is not None
    assert now_offer.version.note == "now"
    pages.apply(now_offer)
    assert [v.note for v in pages.keep_scheduled(stick, origin="USB stick")] == [
        "USB stick: holidays"]
    clock.now = T0 + timedelta(days=2) - timedelta(seconds=1)
    assert pages.due() is None
    assert "Holiday:" not in page_text(content_dir)
    clock.now = T0 + timedelta(days=2)
    due = pages.due()
    assert due is not None
    assert due.ok
    pages.apply(due)
    assert "Holiday:" in page_text(content_dir)
    clock.now += timedelta(hours=1)
    assert pages.due() is None  # shown since its start: not taken again


def test_only_the_last_few_are_kept(content_dir, tmp_path, make_settings):
    clock = Clock(T0)
    pages = KioskPages(make_settings(content_dir), keep=2, clock=clock)
    stick = FolderVersionStore(tmp_path / "stick")
    for n in range(3):
        draft = edited(content_dir, tmp_path, f"d{n}", "title:", f"title: V{n}:")
        publish_checked(draft, make_settings(draft), stick, author="a", note=f"v{n}", now=T0)
        pages.apply(pages.offer(stick))
    assert len(pages.kept.numbers()) == 2
    assert pages.shown() is not None
    assert pages.newest_good_folder() is not None


@pytest.mark.expect_log("kiosk.content.last_good",
                        r"error|showing the content from|must start with")
def test_a_restart_with_the_live_folder_broken_shows_the_newest_good_version(
        kiosk, content_dir, tmp_path, make_settings):
    pages, settings, _clock = kiosk
    draft = edited(content_dir, tmp_path, "draft", "title:", "title: Published:")
    stick = FolderVersionStore(tmp_path / "stick")
    publish_checked(draft, make_settings(draft), stick, author="a", note="n", now=T0)
    pages.apply(pages.offer(stick))
    # Overnight: the live folder broken by hand, and the last good copy lost.
    (content_dir / "en" / "10-the-sciatic-nerve.md").write_text("no front matter")
    shutil.rmtree(settings.last_good_content_dir, ignore_errors=True)
    startup = load_for_startup(settings, clock=lambda: time.time() + 3600)
    assert startup.result.content is not None
    assert startup.result.content.sections("en")[0].title.startswith("Published:")
    # A kept version whose files no longer match is not trusted: the shipped pages show.
    shown = pages.shown()
    assert shown is not None
    kept_page = pages.kept.files_of(shown.number) / "en" / "10-the-sciatic-nerve.md"
    kept_page.chmod(0o644)
    kept_page.write_text(kept_page.read_text(encoding="utf-8") + "\nforged\n", encoding="utf-8")
    startup = load_for_startup(settings, clock=lambda: time.time() + 3600)
    assert startup.result.content is not None
    assert not startup.result.content.sections("en")[0].title.startswith("Published:")


def test_a_check_cut_short_leaves_nothing_behind_after_a_restart(make_settings, content_dir):
    settings = make_settings(content_dir)
    leftover = settings.data_dir / ".incoming-abc" / "content" / "en"
    leftover.mkdir(parents=True)
    KioskPages(settings)
    assert not (settings.data_dir / ".incoming-abc").exists()
