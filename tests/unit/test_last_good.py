"""A typo must never take the pages away: the last good content stays up, even after a restart."""

import time

import pytest

from kiosk.content.last_good import BUNDLED_CONTENT, load_and_keep, load_for_startup
from tests.small_disk import make_read_only, small_tmpfs


def break_a_section(content_dir):
    page = sorted((content_dir / "en").glob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace("title:", "titel:", 1),
                    encoding="utf-8")
    return page


def test_good_content_is_used_and_copied(content_dir, make_settings):
    settings = make_settings(content_dir)
    startup = load_for_startup(settings)
    assert startup.result.ok
    assert startup.source == content_dir
    copied = sorted(p.name for p in (settings.last_good_content_dir / "en").iterdir())
    assert copied == sorted(p.name for p in (content_dir / "en").iterdir())


@pytest.mark.expect_log("kiosk.content.last_good", r"unknown key 'titel'")
@pytest.mark.expect_log("kiosk.content.last_good", r"showing the content from")
@pytest.mark.expect_log("kiosk.content.last_good", r"has \d+ error\(s\)|'title:' is missing")
def test_broken_content_at_start_falls_back_to_the_last_good_copy(content_dir, make_settings):
    settings = make_settings(content_dir)
    later = lambda: time.time() + 3600  # noqa: E731 - files written now count as settled
    load_for_startup(settings, clock=later)
    first = (content_dir / "en" / sorted(p.name for p in (content_dir / "en").iterdir())[0])
    first.write_text(first.read_text(encoding="utf-8").replace(
        "title:", "title: CHANGED", 1), encoding="utf-8")
    # Once the change has settled (a clock an hour on), it becomes the last good.
    assert load_for_startup(settings, clock=lambda: time.time() + 3600).result.ok
    break_a_section(content_dir)
    startup = load_for_startup(settings, clock=later)
    assert startup.source == settings.last_good_content_dir
    assert startup.result.ok
    assert not startup.live_result.ok
    assert startup.result.content is not None
    assert startup.result.content.sections()[0].title.startswith("CHANGED")


@pytest.mark.expect_log("kiosk.content.last_good", r"unknown key 'titel'")
@pytest.mark.expect_log("kiosk.content.last_good", r"showing the content from")
@pytest.mark.expect_log("kiosk.content.last_good", r"has \d+ error\(s\)|'title:' is missing")
@pytest.mark.expect_log("kiosk.content.last_good", r"still changing at start-up")
def test_with_no_good_copy_the_bundled_content_is_shown(content_dir, make_settings):
    settings = make_settings(content_dir)
    break_a_section(content_dir)
    startup = load_for_startup(settings)
    assert startup.source == BUNDLED_CONTENT
    assert startup.result.ok


def test_copy_is_private(content_dir, make_settings):
    settings = make_settings(content_dir)
    load_for_startup(settings)
    assert (settings.data_dir.stat().st_mode & 0o777) == 0o700


def test_shown_pages_and_pictures_come_from_the_checked_copy(content_dir, make_settings):
    settings = make_settings(content_dir)
    startup = load_for_startup(settings)
    assert startup.result.content is not None
    copy = settings.last_good_content_dir
    for section in startup.result.content.sections():
        assert section.image.is_relative_to(copy)
        assert section.image.is_file()
    # Problems, when there are any, still name the files staff edit.
    break_a_section(content_dir)
    live, settled = load_and_keep(settings)
    assert settled
    assert all(p.path.is_relative_to(content_dir) for p in live.errors)


def test_a_copy_that_matches_is_used_as_it_is_and_one_that_does_not_is_replaced(
        content_dir, make_settings):
    settings = make_settings(content_dir)
    load_for_startup(settings)
    copy = settings.last_good_content_dir
    kept = copy.stat().st_ino
    again = load_for_startup(settings)
    assert copy.stat().st_ino == kept  # not copied again: the same folder
    assert again.result.content is not None
    assert all(s.image.is_relative_to(copy) and s.source.is_relative_to(copy)
               for s in again.result.content.sections())

    # A copy that no longer matches (here: a picture gone from it) is made anew.
    picture = again.result.content.sections()[0].image
    picture.unlink()
    third = load_for_startup(settings)
    assert copy.stat().st_ino != kept
    assert picture.is_file()
    assert third.result.content is not None
    assert third.result.content.sections()[0].image == picture


# When no copy can be made, the screen still never points into the live folder


def _short_of_room(make_settings, content_dir):
    """Settings that keep free a little more than the data disk has (the disk is shared:
    other writers come and go), so no copy may be made."""
    import shutil

    from kiosk.content.folder_budget import MB

    data = make_settings(content_dir).data_dir
    data.mkdir(parents=True, exist_ok=True)
    free_mb = shutil.disk_usage(data).free // MB
    return make_settings(content_dir, keep_free_mb=free_mb + 50)


def _shown_files(content) -> list:
    return [path for section in content.sections() for path in (section.source, section.image)]


@pytest.mark.expect_log("kiosk.content.last_good", r"was not copied to the kiosk's data disk")
def test_short_of_room_shows_the_previous_copy_never_the_live_folder(content_dir,
                                                                     make_settings):
    settings = make_settings(content_dir)
    load_for_startup(settings)  # a good copy, made while there was room
    page = sorted((content_dir / "en").glob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace("title:", "title: NEW", 1),
                    encoding="utf-8")
    result, settled = load_and_keep(_short_of_room(make_settings, content_dir))
    assert settled
    assert result.ok
    assert result.content is not None
    shown = _shown_files(result.content)
    assert all(p.is_relative_to(settings.last_good_content_dir) for p in shown), shown
    assert not result.content.sections()[0].title.startswith("NEW")  # the previous version
    [warning] = [p.message for p in result.problems if "kept for sign-ups" in p.message]
    assert "the last content that was copied is shown until it can be copied" in warning


@pytest.mark.expect_log("kiosk.content.last_good", r"was not copied to the kiosk's data disk")
def test_short_of_room_with_no_copy_yet_shows_the_shipped_content(content_dir, make_settings):
    result, _settled = load_and_keep(_short_of_room(make_settings, content_dir))
    assert result.ok
    assert result.content is not None
    assert all(p.is_relative_to(BUNDLED_CONTENT) for p in _shown_files(result.content))
    assert any("the content shipped with the kiosk is shown" in p.message
               for p in result.problems)


@pytest.mark.expect_log("kiosk.content.last_good", r"could not be copied to the kiosk's data disk")
def test_a_copy_that_fails_shows_the_previous_copy_never_the_live_folder(
        content_dir, make_settings, tmp_path):
    # A real disk error: the data folder is on a tmpfs remounted read-only after a first copy.
    with small_tmpfs(tmp_path / "disk", size="4m") as disk:
        settings = make_settings(content_dir, data_dir=disk / "data", keep_free_mb=0)
        load_for_startup(settings)
        page = sorted((content_dir / "en").glob("*.md"))[0]
        page.write_text(page.read_text(encoding="utf-8").replace("title:", "title: NEW", 1),
                        encoding="utf-8")
        make_read_only(disk)
        result, settled = load_and_keep(settings)
        assert settled
        assert result.ok
        assert result.content is not None
        assert all(p.is_relative_to(settings.last_good_content_dir)
                   for p in _shown_files(result.content))
        assert not result.content.sections()[0].title.startswith("NEW")
        assert any("could not be copied" in p.message and "the last content that was copied"
                   in p.message for p in result.problems)


# A page still being written at start-up is neither shown nor kept as the last good


def _write_half_a_page(content_dir):
    """A slow copy a fifth of the way through a page's body, written just now."""
    page = content_dir / "en" / "85-get-care-right-away.md"
    head, body = page.read_text(encoding="utf-8").split("\n---\n", 1)
    partial = head + "\n---\n" + body[: len(body) // 5]
    page.write_text(partial, encoding="utf-8")
    return page, partial


@pytest.mark.expect_log("kiosk.content.last_good", r"still changing at start-up")
def test_a_folder_still_being_written_at_start_up_is_not_taken(content_dir, make_settings):
    settings = make_settings(content_dir, reload_settle_ms=5000)
    later = settings.last_good_content_dir / "en" / "85-get-care-right-away.md"
    load_for_startup(settings, clock=lambda: time.time() + 3600)  # a settled first start
    kept = later.read_text(encoding="utf-8")
    page, partial = _write_half_a_page(content_dir)
    written = page.stat().st_mtime
    # The clock reads one second after the write: within the 5 s settle time.
    startup = load_for_startup(settings, clock=lambda: written + 1)
    assert not startup.live_settled
    assert startup.source == settings.last_good_content_dir
    assert startup.result.ok
    assert startup.result.content is not None
    shown = next(s for s in startup.result.content.sections("en") if s.source.name == page.name)
    assert shown.source.read_text(encoding="utf-8") == kept != partial
    assert later.read_text(encoding="utf-8") == kept  # the copy was not replaced
    assert any("still changing" in p.message for p in startup.live_result.problems)
    # Six seconds after the write it has settled, and is taken as it is.
    settled = load_for_startup(settings, clock=lambda: written + 6)
    assert settled.live_settled
    assert later.read_text(encoding="utf-8") == partial


@pytest.mark.expect_log("kiosk.content.last_good", r"still changing at start-up")
def test_a_folder_still_being_written_at_first_start_shows_the_shipped_content(
        content_dir, make_settings):
    settings = make_settings(content_dir, reload_settle_ms=5000)
    page, _partial = _write_half_a_page(content_dir)
    written = page.stat().st_mtime
    startup = load_for_startup(settings, clock=lambda: written)
    assert startup.source == BUNDLED_CONTENT
    assert startup.result.ok
    assert not settings.last_good_content_dir.exists()


@pytest.mark.expect_log("kiosk.content.last_good", r"still changing at start-up")
def test_a_change_time_in_the_future_counts_as_just_now(content_dir, make_settings):
    import os

    settings = make_settings(content_dir, reload_settle_ms=5000)
    page = sorted((content_dir / "en").glob("*.md"))[0]
    now = time.time()
    os.utime(page, (now + 86_400, now + 86_400))
    assert not load_for_startup(settings, clock=lambda: now).live_settled
