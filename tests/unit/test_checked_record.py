"""A start whose files have the bytes that last passed the check reuses it; anything else
(a changed file, setting, theme or program version) is checked in full again."""

import dataclasses
from datetime import date, timedelta

import pytest

from kiosk.content import checked_record, last_good
from kiosk.content.last_good import load_and_keep, load_for_startup


@pytest.fixture
def checks(monkeypatch):
    """Counts the full checks of the live folder (the real check runs every time)."""
    calls = []
    real = last_good.load_live

    def counted(settings, root=None):
        calls.append(root or settings.content_dir)
        return real(settings, root)

    monkeypatch.setattr(last_good, "load_live", counted)
    return calls


def first_page(content_dir):
    return sorted((content_dir / "en").glob("*.md"))[0]


def test_the_same_bytes_are_not_checked_twice_and_give_the_same_pages(
        content_dir, make_settings, checks):
    settings = make_settings(content_dir)
    first = load_for_startup(settings)
    assert len(checks) == 1
    again = load_for_startup(settings)
    assert len(checks) == 1  # reused
    assert again.result.ok
    assert again.result.content == first.result.content
    assert again.result.problems == first.result.problems
    assert again.result.fingerprint == first.result.fingerprint
    assert again.source == content_dir


def test_a_changed_page_is_checked_and_shown(content_dir, make_settings, checks):
    settings = make_settings(content_dir)
    load_for_startup(settings)
    page = first_page(content_dir)
    page.write_text(page.read_text(encoding="utf-8").replace("title:", "title: NEW", 1),
                    encoding="utf-8")
    result, _settled = load_and_keep(settings)
    assert len(checks) == 2
    assert result.content is not None
    assert result.content.sections()[0].title.startswith("NEW")


def test_the_same_size_and_time_with_other_bytes_is_still_checked(
        content_dir, make_settings, checks):
    """The record compares bytes, not the (name, size, time) fingerprint: a page rewritten
    with as many bytes and its old change time put back is caught."""
    import os

    settings = make_settings(content_dir)
    load_for_startup(settings)
    page = first_page(content_dir)
    status = page.stat()
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("title: ", "title:X", 1), encoding="utf-8")
    os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert page.stat().st_size == status.st_size
    load_and_keep(settings)
    assert len(checks) == 2


def test_a_broken_page_is_checked_and_never_reused(content_dir, make_settings, checks):
    settings = make_settings(content_dir)
    load_for_startup(settings)
    page = first_page(content_dir)
    page.write_text(page.read_text(encoding="utf-8").replace("title:", "titel:", 1),
                    encoding="utf-8")
    for _ in range(2):
        result, _settled = load_and_keep(settings)
        assert not result.ok
    assert len(checks) == 3


def test_a_new_or_removed_file_is_checked(content_dir, make_settings, checks):
    settings = make_settings(content_dir)
    load_for_startup(settings)
    extra = content_dir / "images" / "spare.svg"
    extra.write_bytes((content_dir / "images" / sorted(
        p.name for p in (content_dir / "images").iterdir())[0]).read_bytes())
    load_and_keep(settings)
    assert len(checks) == 2
    load_and_keep(settings)
    assert len(checks) == 2
    extra.unlink()
    load_and_keep(settings)
    assert len(checks) == 3


def test_a_changed_copy_is_checked_and_made_anew(content_dir, make_settings, checks):
    settings = make_settings(content_dir)
    shown = load_for_startup(settings).result.content
    assert shown is not None
    picture = shown.sections()[0].image
    picture.write_bytes(picture.read_bytes() + b"\n")
    result, _settled = load_and_keep(settings)
    assert len(checks) == 2
    assert picture.read_bytes() == (content_dir / "images" / picture.name).read_bytes()
    assert result.ok


def test_a_changed_setting_or_theme_is_checked(content_dir, make_settings, checks):
    settings = make_settings(content_dir)
    load_for_startup(settings)
    load_and_keep(make_settings(content_dir, emergency_number="112"))
    assert len(checks) == 2
    themed = dataclasses.replace(settings, theme=dataclasses.replace(
        settings.theme, primary="#123456"))
    load_and_keep(themed)
    assert len(checks) == 3
    load_and_keep(themed)
    assert len(checks) == 3


def test_a_new_program_version_is_checked(content_dir, make_settings, checks, monkeypatch):
    settings = make_settings(content_dir)
    load_for_startup(settings)
    monkeypatch.setattr(checked_record, "program_key", lambda: "the next version")
    load_and_keep(settings)
    assert len(checks) == 2


def test_the_program_key_follows_the_program_source(tmp_path, monkeypatch):
    program = tmp_path / "kiosk"
    program.mkdir()
    (program / "loader.py").write_text("RULE = 1\n")
    monkeypatch.setattr(checked_record, "PROGRAM_ROOT", program)
    checked_record.program_key.cache_clear()
    try:
        before = checked_record.program_key()
        (program / "loader.py").write_text("RULE = 2\n")
        checked_record.program_key.cache_clear()
        assert checked_record.program_key() != before
    finally:
        checked_record.program_key.cache_clear()


def test_a_clock_set_back_before_the_check_is_checked(content_dir, make_settings, checks,
                                                      monkeypatch):
    settings = make_settings(content_dir)
    load_for_startup(settings)

    class Yesterday(date):
        @classmethod
        def today(cls):
            return date.fromordinal(date.today().toordinal()) - timedelta(days=1)

    monkeypatch.setattr(last_good, "date", Yesterday)
    load_and_keep(settings)
    assert len(checks) == 2


def test_a_damaged_record_means_a_full_check(content_dir, make_settings, checks):
    settings = make_settings(content_dir)
    load_for_startup(settings)
    record = checked_record.record_path(settings)
    assert (record.stat().st_mode & 0o777) == 0o600
    record.write_text('{"format": 1, "program": ')
    assert load_and_keep(settings)[0].ok
    assert len(checks) == 2
    record.write_text('{"format": 1}')
    assert load_and_keep(settings)[0].ok
    assert len(checks) == 3


def test_a_file_changed_during_the_check_is_not_recorded(content_dir, make_settings,
                                                         monkeypatch):
    """The record must hold the bytes the check read: a save while it ran leaves none, even
    one with the same size and change time (a coarse clock tick), which no fingerprint sees."""
    import os

    settings = make_settings(content_dir)
    real = last_good.load_live
    page = first_page(content_dir)

    def saved_meanwhile(settings, root=None):
        result = real(settings, root)
        status = page.stat()
        page.write_text(page.read_text(encoding="utf-8").replace("title: ", "title:X", 1),
                        encoding="utf-8")
        os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns))
        return result

    monkeypatch.setattr(last_good, "load_live", saved_meanwhile)
    load_and_keep(settings)
    assert not checked_record.record_path(settings).exists()


def test_a_page_replaced_by_a_link_to_the_same_bytes_is_checked(content_dir, make_settings,
                                                                checks, tmp_path):
    """Bytes are not all the check judges: a link out of the folder is refused whatever it
    holds, so a folder with a link in it is never taken from the record."""
    settings = make_settings(content_dir)
    load_for_startup(settings)
    page = first_page(content_dir)
    outside = tmp_path / "elsewhere.md"
    page.rename(outside)
    page.symlink_to(outside)
    result, _settled = load_and_keep(settings)
    assert len(checks) == 2
    assert not result.ok
    assert any("outside the content folder" in p.message for p in result.errors)


def test_a_new_sub_folder_among_the_pictures_is_checked(content_dir, make_settings, checks):
    settings = make_settings(content_dir)
    load_for_startup(settings)
    (content_dir / "images" / "drafts").mkdir()
    load_and_keep(settings)
    assert len(checks) == 2


def test_a_folder_with_a_link_in_it_is_checked_every_time(content_dir, make_settings,
                                                          checks):
    """A link kept inside the folder passes, but where it points can change without a byte
    changing (retargeted outside to a copy): so it is judged by the check at every load."""
    settings = make_settings(content_dir)
    pictures = sorted((content_dir / "images").iterdir())
    (content_dir / "images" / "same-picture.svg").symlink_to(pictures[0])
    assert load_for_startup(settings).result.ok
    assert load_and_keep(settings)[0].ok
    assert len(checks) == 2
