"""A content folder still being written when the kiosk starts is not shown then; the watcher
takes it once it has stayed the same, even if it never changes again."""

from __future__ import annotations

from kiosk.content.last_good import load_for_startup
from kiosk.ui.services.content_watcher import ContentWatcher

from .conftest import WAIT_MS


def test_the_watcher_takes_a_folder_that_was_unsettled_at_start_up(
        qtbot, make_window, make_settings, content_dir):
    settings = make_settings(content_dir, reload_quiet_ms=50, reload_settle_ms=200)
    page = content_dir / "en" / "10-the-sciatic-nerve.md"
    page.write_text(page.read_text(encoding="utf-8").replace("title:", "title: Last piece:", 1),
                    encoding="utf-8")
    # The clock at the moment of the write: the folder has not settled yet.
    startup = load_for_startup(settings, clock=lambda: page.stat().st_mtime)
    assert not startup.live_settled
    assert startup.result.content is not None
    assert not startup.result.content.sections()[0].title.startswith("Last piece")
    window = make_window(settings=settings)
    window.set_content(startup.result.content)
    watcher = ContentWatcher(settings)
    watcher.accepted.connect(window.update_content)
    try:
        # Nothing changes after start-up: only the start itself can bring the page in.
        with qtbot.waitSignal(watcher.accepted, timeout=WAIT_MS) as taken:
            watcher.start(live_settled=startup.live_settled)
        content = taken.args[0]
        assert content.sections()[0].title.startswith("Last piece")
        assert content.sections()[0].source.is_relative_to(settings.last_good_content_dir)
    finally:
        watcher.stop()

