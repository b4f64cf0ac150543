"""A typo must never take the pages away: the last good content stays up, even after a restart."""

import pytest

from kiosk.content.last_good import BUNDLED_CONTENT, load_and_keep, load_for_startup


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
    load_for_startup(settings)
    first = (content_dir / "en" / sorted(p.name for p in (content_dir / "en").iterdir())[0])
    first.write_text(first.read_text(encoding="utf-8").replace(
        "title:", "title: CHANGED", 1), encoding="utf-8")
    assert load_for_startup(settings).result.ok  # the changed title is now the last good
    break_a_section(content_dir)
    startup = load_for_startup(settings)
    assert startup.source == settings.last_good_content_dir
    assert startup.result.ok
    assert not startup.live_result.ok
    assert startup.result.content is not None
    assert startup.result.content.sections()[0].title.startswith("CHANGED")


@pytest.mark.expect_log("kiosk.content.last_good", r"unknown key 'titel'")
@pytest.mark.expect_log("kiosk.content.last_good", r"showing the content from")
@pytest.mark.expect_log("kiosk.content.last_good", r"has \d+ error\(s\)|'title:' is missing")
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
