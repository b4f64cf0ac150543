"""`kiosk publish SRC`: a whole checked folder replaces the live one in one step, or nothing
changes at all."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.content.files import fingerprint
from kiosk.content.publish import exchange, publish


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def draft_of(content_dir: Path, tmp_path: Path) -> Path:
    draft = tmp_path / "draft"
    shutil.copytree(content_dir, draft)
    page = sorted((draft / "en").glob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace("title:", "title: New:", 1),
                    encoding="utf-8")
    (draft / "en" / "10-the-sciatic-nerve.md").touch()
    return draft


def test_a_good_folder_replaces_the_live_one_whole(content_dir, tmp_path, make_settings):
    (content_dir / "images" / "only-in-the-old.svg").write_text("<svg/>")
    draft = draft_of(content_dir, tmp_path)
    (draft / "images" / "only-in-the-old.svg").unlink()
    before = content_dir.stat().st_ino
    done = publish(draft, make_settings(content_dir))
    assert done.swapped
    assert files(content_dir) == files(draft)
    assert content_dir.stat().st_ino != before  # a new folder, not files copied into the old
    assert [p.name for p in content_dir.parent.iterdir()] == ["content", "draft"]


def test_a_broken_folder_changes_nothing(content_dir, tmp_path, make_settings):
    draft = draft_of(content_dir, tmp_path)
    (draft / "en" / "10-the-sciatic-nerve.md").write_text("no front matter")
    before = (fingerprint(content_dir, ("en", "es")), content_dir.stat().st_ino)
    done = publish(draft, make_settings(content_dir))
    assert not done.swapped
    assert any(p.line == 1 and "must start with a line '---'" in p.message
               for p in done.result.errors)
    assert (fingerprint(content_dir, ("en", "es")), content_dir.stat().st_ino) == before
    assert [p.name for p in content_dir.parent.iterdir()] == ["content", "draft"]


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "one").write_text("1")
    (second / "two").write_text("2")
    assert exchange(first, second)  # Linux 3.15+, on tmpfs and ext4 alike
    assert [p.name for p in first.iterdir()] == ["two"]
    assert [p.name for p in second.iterdir()] == ["one"]


def test_kiosk_publish_from_the_command_line(content_dir, tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[content]\nfolder = "content"\n')
    draft = draft_of(content_dir, tmp_path)
    command = [sys.executable, "-m", "kiosk", "publish", "--config", str(config),
               "--data-dir", str(tmp_path / "data")]
    done = subprocess.run([*command, str(draft)], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Published 11 pages from {draft} to {content_dir}" in done.stdout
    assert files(content_dir) == files(draft)

    (draft / "en" / "10-the-sciatic-nerve.md").write_text("no front matter")
    done = subprocess.run([*command, str(draft)], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 1
    assert f"{draft}/en/10-the-sciatic-nerve.md:1: the file must start" in done.stdout
    assert "nothing was published" in done.stderr
    assert "New:" in (content_dir / "en" / "10-the-sciatic-nerve.md").read_text()


def test_a_publish_that_would_eat_the_room_kept_for_signups_changes_nothing(
        content_dir, tmp_path, make_settings):
    draft = draft_of(content_dir, tmp_path)
    before = files(content_dir)
    free_mb = shutil.disk_usage(content_dir).free // (1024 * 1024)
    done = publish(draft, make_settings(content_dir, keep_free_mb=free_mb + 50))
    assert not done.swapped
    assert any("kept for sign-ups" in p.message for p in done.result.errors)
    assert files(content_dir) == before


def test_only_the_pages_and_the_pictures_they_show_are_published(
        content_dir, tmp_path, make_settings):
    # A stick can carry anything: files the check skips (dot-files, editor backups, an
    # unused picture) and links out of the folder to a secret. None of it is published.
    secret = tmp_path / "keys.secret"
    secret.write_text("SECRET-OUTSIDE-THE-CONTENT-FOLDER")
    draft = draft_of(content_dir, tmp_path)
    accepted = files(draft)
    for name in (".notes", "draft.md~", "10-the-sciatic-nerve.md.swp", "#autosave#"):
        (draft / "en" / name).symlink_to(secret)
    (draft / "images" / "not-used-by-any-page.svg").write_text("<svg/>")
    (draft / "notes.txt").write_text("not content")
    done = publish(draft, make_settings(content_dir))
    assert done.swapped, [str(p) for p in done.result.errors]
    assert files(content_dir) == accepted
    assert not any(p.is_symlink() for p in content_dir.rglob("*"))
    assert not any("SECRET" in p.read_text(encoding="utf-8") for p in content_dir.rglob("*")
                   if p.is_file())


def test_a_page_linked_inside_the_folder_is_published_as_a_file(
        content_dir, tmp_path, make_settings):
    draft = draft_of(content_dir, tmp_path)
    page = draft / "es" / "10-the-sciatic-nerve.md"
    kept = draft / "kept" / page.name
    kept.parent.mkdir()
    page.rename(kept)
    page.symlink_to(kept)
    assert publish(draft, make_settings(content_dir)).swapped
    published = content_dir / "es" / page.name
    assert not published.is_symlink()
    assert published.read_bytes() == kept.read_bytes()


def test_a_link_out_of_the_folder_is_never_copied(content_dir, tmp_path):
    # What a link swapped in after the check meets: the copy refuses it, nothing is read.
    from kiosk.content.publish import _copy

    secret = tmp_path / "keys.secret"
    secret.write_text("SECRET")
    draft = draft_of(content_dir, tmp_path)
    page = draft / "en" / "10-the-sciatic-nerve.md"
    page.unlink()
    page.symlink_to(secret)
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(OSError, match="link out of the folder"):
        _copy(draft, ["en/10-the-sciatic-nerve.md"], into)
    assert list(into.rglob("*")) == []
