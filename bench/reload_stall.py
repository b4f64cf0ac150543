"""Content reload while the UI runs: the longest stall of the UI thread.

    .venv/bin/python bench/reload_stall.py [--quick] [--reloads N] [--json FILE]

The kiosk is built by ``kiosk.app.build`` (offscreen, full screen 1920x1080) on a content
folder of 30 sections, each with a picture: the 11 shipped drawings and, for every third
section, a 12-megapixel photo. With a section on screen and the content watcher running,
every section file is rewritten (as staff saving a whole new set would); the watcher waits
for quiet, checks and copies the folder on its worker thread and the window swaps in the
new pages. A 1 ms ``Qt.PreciseTimer`` runs on the UI thread the whole time; its lateness
(time between two ticks less 1 ms) measures how long the UI thread could not answer a
finger. The figure is the longest lateness from the save until the new content has been
shown and painted, worst of N reloads; the baseline is the longest lateness over an idle
stretch of the same length in the same run.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import BUNDLED_CONTENT, OFFSCREEN, ROOT, Row, emit, make_photo, parser

SECTIONS = 30


def thirty_sections(target: Path) -> Path:
    shutil.copytree(BUNDLED_CONTENT, target)
    images = target / "images"
    photo = make_photo(images / "photo-00.jpg")
    drawings = sorted(p.name for p in images.glob("*.svg"))
    bodies = sorted((target / "en").glob("*.md"))
    for n in range(len(bodies), SECTIONS):
        source = bodies[n % len(bodies)].read_text(encoding="utf-8")
        if n % 3 == 0:
            picture = f"photo-{n:02d}.jpg"
            shutil.copy2(photo, images / picture)
        else:
            picture = drawings[n % len(drawings)]
        lines = []
        for line in source.split("\n"):
            if line.startswith("image:"):
                line = f"image: {picture}"
            elif line.startswith("order:"):
                line = f"order: {100 + n}"
            elif line.startswith("title:"):
                line = f"title: More about it, part {n}"
            lines.append(line)
        (target / "en" / f"{100 + n}-more-part-{n}.md").write_text("\n".join(lines),
                                                                   encoding="utf-8")
    return target


def main() -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--reloads", type=int, default=5)
    args = args_parser.parse_args()
    reloads = 1 if args.quick else args.reloads
    os.environ["QT_QPA_PLATFORM"] = OFFSCREEN
    sys.path.insert(0, str(ROOT))

    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from kiosk.app import build
    from kiosk.config import load_settings

    app = QApplication(sys.argv[:1])  # noqa: F841 - must live while the kiosk runs

    class Lateness:
        """The worst gap between ticks of a 1 ms timer, less the 1 ms, since reset()."""

        def __init__(self) -> None:
            self.timer = QTimer()
            self.timer.setTimerType(Qt.TimerType.PreciseTimer)
            self.timer.setInterval(1)
            self.timer.timeout.connect(self._tick)
            self.reset()

        def reset(self) -> None:
            self.last = self.started = time.perf_counter()
            self.worst = 0.0
            self.worst_at = 0.0  # when the worst gap began, seconds after reset()

        def _tick(self) -> None:
            now = time.perf_counter()
            if now - self.last - 0.001 > self.worst:
                self.worst = now - self.last - 0.001
                self.worst_at = self.last - self.started
            self.last = now

    def run_loop(until: Callable[[], bool], timeout_s: float) -> None:
        """Run the event loop until ``until()`` holds or ``timeout_s`` have passed."""
        loop = QEventLoop()
        deadline = time.perf_counter() + timeout_s

        def check() -> None:
            if until() or time.perf_counter() > deadline:
                loop.quit()

        poll = QTimer()
        poll.setInterval(5)
        poll.timeout.connect(check)
        poll.start()
        loop.exec()
        poll.stop()

    with tempfile.TemporaryDirectory(prefix="bench-reload-") as scratch:
        content = thirty_sections(Path(scratch) / "content")
        settings = load_settings(content_dir=content, data_dir=Path(scratch) / "data",
                                 environ={}).with_overrides(
            # The settle wait (5 s by default: content/settle.py) is idle time, not UI work.
            reload_quiet_ms=100, reload_settle_ms=0)
        kiosk = build(settings)
        window = kiosk.window
        window.show_kiosk()
        window.show_section(1)
        QTest.qWaitForWindowExposed(window)
        kiosk.watcher.start()
        accepted: list[float] = []
        kiosk.watcher.accepted.connect(lambda _content: accepted.append(time.perf_counter()))
        rejected: list[object] = []
        shown: list[float] = []
        window.contentShown.connect(lambda: shown.append(time.perf_counter()))
        kiosk.watcher.rejected.connect(rejected.append)
        timer = Lateness()
        timer.timer.start()
        run_loop(lambda: False, 0.5)  # settle
        stalls: list[float] = []
        idles: list[float] = []
        durations: list[float] = []
        moments: list[str] = []
        for _ in range(reloads):
            accepted.clear()
            shown.clear()
            timer.reset()
            start = time.perf_counter()
            for page in sorted((content / "en").glob("*.md")):
                # One more blank line at the end: a new size, the same pages.
                page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            run_loop(lambda: bool(shown) or bool(rejected), 60)
            if rejected or not accepted or not shown:
                raise RuntimeError("the new content was not accepted")
            run_loop(lambda: False, 0.3)  # the new page is painted, the old ones deleted
            stalls.append(timer.worst * 1000)
            moments.append(f"{timer.worst_at:.2f} s (new content accepted at "
                           f"{accepted[0] - start:.2f} s, shown at {shown[0] - start:.2f} s)")
            duration = time.perf_counter() - start
            durations.append(duration)
            timer.reset()
            run_loop(lambda: False, duration)
            idles.append(timer.worst * 1000)
        timer.timer.stop()
        sections = len(window.sections)
        window.allow_close()
        window.close()
        kiosk.close()

    worst = max(stalls)
    rows = [Row(f"UI stall during a reload of {sections} sections", worst, "ms", max(idles),
                "same timer, idle", "<= 50 ms", worst <= 50)]
    emit("Content reload", rows, args.json,
         [f"worst of {reloads} reload(s): {', '.join(f'{s:.1f}' for s in stalls)} ms; "
          f"save to new page shown {min(durations):.2f}-{max(durations):.2f} s",
          f"worst stall began after the save at: {'; '.join(moments)}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
