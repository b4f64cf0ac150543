"""A page written slowly, in pieces with pauses, never reaches the screen half written; and
an edit the file watcher never reports is still picked up by the periodic fingerprint check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.content.last_good import load_for_startup
from kiosk.ui.services.content_watcher import ContentWatcher

from .conftest import WAIT_MS

PIECES = 8


@pytest.fixture
def watched(qtbot, make_window, make_settings, content_dir):
    """The window and the real watcher, with settings a test chooses."""
    made: list[ContentWatcher] = []

    def make(**timing: int):
        settings = make_settings(content_dir, reload_quiet_ms=50, **timing)
        startup = load_for_startup(settings)
        window = make_window(settings=settings)
        window.set_content(startup.result.content)
        watcher = ContentWatcher(settings)
        watcher.accepted.connect(window.update_content)
        watcher.start()
        made.append(watcher)
        return window, watcher

    yield make
    for watcher in made:
        watcher.stop()


def slow_page_text(content_dir: Path) -> str:
    source = sorted((content_dir / "en").glob("*.md"))[0].read_text(encoding="utf-8")
    lines = ["title: Written slowly" if line.startswith("title:") else
             "order: 65" if line.startswith("order:") else line for line in source.split("\n")]
    return "\n".join(lines) + "\n" + "\n\n".join(
        f"Paragraph {n} of a page copied slowly from a share." for n in range(1, 25)) + "\n"


def test_a_page_written_in_eight_pieces_is_shown_once_and_whole(qtbot, watched, content_dir):
    # Short for the test; what matters is that each piece is seen before the next comes.
    window, watcher = watched(reload_settle_ms=400)
    text = slow_page_text(content_dir).encode("utf-8")
    target = content_dir / "en" / "65-written-slowly.md"
    shown: list[str] = []
    looked = [0]

    def on_accepted(content) -> None:
        shown.extend(s.html for s in content.sections() if s.slug == "written-slowly")

    def on_looked(*_args: object) -> None:
        looked[0] += 1

    watcher.accepted.connect(on_accepted)
    for signal in (watcher.accepted, watcher.rejected, watcher.settling):
        signal.connect(on_looked)
    for piece in range(1, PIECES + 1):
        before = looked[0]
        with target.open("ab") as f:
            f.write(text[len(text) * (piece - 1) // PIECES: len(text) * piece // PIECES])
        if piece < PIECES:
            # The writer pauses until the watcher has seen this piece quiet and looked at
            # it: exactly when a kiosk that took quiet for finished showed it.
            qtbot.waitUntil(lambda before=before: looked[0] > before, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "written-slowly" in [s.slug for s in window.sections],
                    timeout=WAIT_MS * 2)
    assert len(shown) == 1, f"{len(shown) - 1} partial version(s) were shown"
    assert "Paragraph 24 of a page" in shown[0]


def test_an_edit_the_file_watcher_misses_is_caught_by_the_fingerprint_check(
        qtbot, watched, content_dir):
    window, watcher = watched(reload_settle_ms=0, content_check_ms=200)
    # As when the kernel's inotify queue overflows: the watcher hears of nothing any more.
    blind = watcher._watcher
    blind.removePaths(blind.files() + blind.directories())
    blind.blockSignals(True)
    page = sorted((content_dir / "en").glob("*.md"))[0]
    lines = ["title: Seen without the watcher" if line.startswith("title:") else line
             for line in page.read_text(encoding="utf-8").split("\n")]
    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        page.write_text("\n".join(lines), encoding="utf-8")
    assert window.sections[0].title == "Seen without the watcher"


def test_a_folder_replaced_whole_is_watched_again(qtbot, watched, content_dir, tmp_path):
    window, _watcher = watched(reload_settle_ms=0, content_check_ms=60_000)
    new = tmp_path / "new-content"
    shutil.copytree(content_dir, new)
    page = sorted((new / "en").glob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace("title:", "title: New:", 1),
                    encoding="utf-8")
    old = tmp_path / "old-content"
    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        content_dir.rename(old)
        new.rename(content_dir)
    assert window.sections[0].title.startswith("New:")
    # Later edits, in the folder now in place, are seen by the file watcher itself.
    page = sorted((content_dir / "en").glob("*.md"))[0]
    with qtbot.waitSignal(window.contentShown, timeout=WAIT_MS):
        page.write_text(page.read_text(encoding="utf-8").replace("New:", "Newer:", 1),
                        encoding="utf-8")
    assert window.sections[0].title.startswith("Newer:")
