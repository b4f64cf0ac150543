"""Files no page uses never reach the data disk, a content folder has a size and file-count
budget that `check` reports, and a copy that would leave the data disk short of room for
sign-ups is refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.content.last_good import load_and_keep, load_live

MB = 1024 * 1024


def all_files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_only_the_files_pages_use_are_kept(content_dir, make_settings):
    (content_dir / "images" / "unused-photo.jpg").write_bytes(os.urandom(3 * MB))
    (content_dir / "en" / "notes.txt").write_bytes(b"draft notes\n" * 100_000)
    settings = make_settings(content_dir)
    result, settled = load_and_keep(settings)
    assert result.ok, [str(p) for p in result.errors]
    assert settled
    kept = all_files(settings.last_good_content_dir)
    assert "images/unused-photo.jpg" not in kept
    assert "en/notes.txt" not in kept
    shown = {str(path.relative_to(settings.last_good_content_dir))
             for sections in result.content.by_language.values() for s in sections
             for path in (s.source, s.image)}
    assert kept == shown
    # The copy is the pages and their pictures: far under the 3 MB left behind.
    assert sum((settings.last_good_content_dir / f).stat().st_size for f in kept) < MB


def test_the_kept_copy_is_reused_while_nothing_changes(content_dir, make_settings):
    (content_dir / "images" / "unused.svg").write_text("<svg/>")
    settings = make_settings(content_dir)
    load_and_keep(settings)
    before = settings.last_good_content_dir.stat().st_ino
    result, _settled = load_and_keep(settings)
    assert result.ok
    assert settings.last_good_content_dir.stat().st_ino == before


def test_unused_files_are_named_in_a_warning(content_dir, make_settings):
    (content_dir / "images" / "old-logo.png").write_bytes(b"x" * 1000)
    result = load_live(make_settings(content_dir))
    assert result.ok
    warnings = [p.message for p in result.problems if "used by no page" in p.message]
    assert warnings == ["1 file(s) (0.0 MB) are used by no page and are not copied to the "
                        "kiosk: images/old-logo.png"]


def test_a_folder_over_its_size_budget_is_refused(content_dir, make_settings):
    (content_dir / "images" / "big-unused.jpg").write_bytes(os.urandom(2 * MB))
    result = load_live(make_settings(content_dir, max_content_mb=1))
    assert result.content is None
    [error] = [p for p in result.errors if p.path == content_dir]
    assert error.line == 1
    assert "the content folder holds 2.1 MB in 34 files; the kiosk takes at most 1.0 MB" \
        in error.message
    assert "1 of them (2.0 MB) are used by no page: images/big-unused.jpg" in error.message


def test_a_folder_over_its_file_budget_is_refused(content_dir, make_settings):
    for n in range(20):
        (content_dir / "images" / f"spare-{n}.svg").write_text("<svg/>")
    result = load_live(make_settings(content_dir, max_content_files=40))
    assert result.content is None
    assert any("in 53 files" in p.message and "40 files" in p.message for p in result.errors)


def test_kiosk_check_reports_the_budget_from_kiosk_toml(content_dir, tmp_path):
    (content_dir / "images" / "big-unused.jpg").write_bytes(os.urandom(2 * MB))
    config = tmp_path / "kiosk.toml"
    config.write_text("[content]\nmax_folder_mb = 1\n")
    done = subprocess.run([sys.executable, "-m", "kiosk", "check", "--config", str(config),
                           "--data-dir", str(tmp_path / "data"), str(content_dir)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 1
    assert f"{content_dir}:1: the content folder holds 2.1 MB" in done.stdout


@pytest.mark.expect_log("kiosk.content.last_good", r"was not copied to the kiosk's data disk")
def test_a_copy_that_would_eat_the_room_kept_for_signups_is_refused(content_dir,
                                                                    make_settings):
    data = make_settings(content_dir).data_dir
    data.mkdir(parents=True)
    # Keep free a little more than is free now (the disk is shared: other writers come and
    # go), so the copy would cut into it.
    free_mb = shutil.disk_usage(data).free // MB
    settings = make_settings(content_dir, keep_free_mb=free_mb + 50)
    result, settled = load_and_keep(settings)
    assert settled
    assert result.ok  # the content is good; the shipped content is shown meanwhile
    assert not settings.last_good_content_dir.exists()
    assert not [p for p in data.iterdir() if p.name.startswith(".last-good")]
    [warning] = [p.message for p in result.problems if "kept for sign-ups" in p.message]
    assert "was not copied to the kiosk's data disk" in warning
    # With room to spare the copy is made as before.
    result, _settled = load_and_keep(make_settings(content_dir, keep_free_mb=1))
    assert settings.last_good_content_dir.is_dir()


def test_the_limits_come_from_kiosk_toml_and_are_checked(tmp_path):
    import pytest

    from kiosk.config import ConfigError, load_settings

    config = tmp_path / "kiosk.toml"
    config.write_text("[content]\nmax_folder_mb = 20\nkeep_free_for_signups_mb = 500\n"
                      "[timing]\ncontent_check_seconds = 30\n")
    settings = load_settings(config, environ={})
    assert (settings.max_content_mb, settings.keep_free_mb) == (20, 500)
    assert settings.content_check_ms == 30_000
    config.write_text("[timing]\ncontent_check_seconds = 600\n")
    with pytest.raises(ConfigError, match="'content_check_seconds' must be between 1 and 60"):
        load_settings(config, environ={})
