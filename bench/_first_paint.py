"""Child process of startup.py and memory.py: start, show one screen, say when it is painted.

    python bench/_first_paint.py bare
    python bench/_first_paint.py kiosk DATA_DIR [--turns N] [--content DIR]
    python bench/_first_paint.py attract DATA_DIR

Prints ``painted`` once the first frame of the section text (kiosk), the start screen's
picture (attract: what a kiosk shows after boot) or the label (bare) has been painted and
flushed, then, with ``--turns``, turns that many pages by tapping Next and
Back and prints ``rss <kB>``; then it quits. Imports only what the program itself imports,
so the start-up figure is the program's.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QLabel

    from kiosk.ui.shell.window import KioskWindow


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


class FirstPaint(QObject):
    """Runs ``then`` once, after the first paint of the watched widget has been flushed."""

    def __init__(self, then: Callable[[], None]) -> None:
        super().__init__()
        self._then = then
        self._seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            # A zero timer runs after the whole repaint, flush to the screen included.
            QTimer.singleShot(0, self, self._then)
        return False


def main() -> int:
    from PySide6.QtWidgets import QApplication

    mode = sys.argv[1]
    turns = int(sys.argv[sys.argv.index("--turns") + 1]) if "--turns" in sys.argv else 0
    app = QApplication(sys.argv[:1])

    def painted() -> None:
        # The CPU time this process used to its first paint: unlike the wall-clock time, it
        # hardly moves when other processes share the cores.
        print(f"painted\ncpu {time.process_time():.4f}", flush=True)
        if turns:
            turn_pages(turns)
            print(f"rss {rss_kb()}", flush=True)
        for widget in app.topLevelWidgets():
            if hasattr(widget, "allow_close"):
                widget.allow_close()  # the kiosk window refuses to close until told
        app.quit()

    watcher = FirstPaint(painted)
    if mode == "bare":
        from PySide6.QtWidgets import QLabel

        label = QLabel("Touch to learn about sciatica")
        label.installEventFilter(watcher)
        label.setGeometry(label.screen().geometry())
        label.showFullScreen()
        turn_pages = bare_turns(app, label)
        return app.exec()

    from kiosk.app import build
    from kiosk.config import load_settings
    from kiosk.logging_setup import setup_logging

    content = Path(sys.argv[sys.argv.index("--content") + 1]) if "--content" in sys.argv \
        else None
    # What `kiosk run` does before its first paint, less the signal handlers.
    settings = load_settings(content_dir=content, data_dir=Path(sys.argv[2]))
    setup_logging(settings.log_file)
    app.setApplicationName("Sciatica kiosk")
    kiosk = build(settings)
    window = kiosk.window
    if mode == "attract":
        window.attract.installEventFilter(watcher)
    else:
        window.show_section(0)
        window.section_pages[0].text.viewport().installEventFilter(watcher)
    window.show_kiosk()
    kiosk.watcher.start()
    turn_pages = kiosk_turns(app, window)
    code = app.exec()
    kiosk.close()
    return code


def bare_turns(app: QApplication, label: QLabel) -> Callable[[int], None]:
    def turn(n: int) -> None:
        for i in range(n):
            label.setText(f"Page {i}")
            label.repaint()
            app.processEvents()

    return turn


def kiosk_turns(app: QApplication, window: KioskWindow) -> Callable[[int], None]:
    """Tap Next through every section and Back again, like a patient, ``n`` times."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    def turn(n: int) -> None:
        forward = True
        for _ in range(n):
            index = window.current_index() or 0
            if forward and index + 1 >= len(window.sections):
                forward = False
            elif not forward and index == 0:
                forward = True
            button = window.nav.next if forward else window.nav.back
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
            window.repaint()
            app.processEvents()

    return turn


if __name__ == "__main__":
    sys.exit(main())
