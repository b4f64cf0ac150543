"""Start-up to first painted screen, whole process: the kiosk against a bare PySide6 window.

    .venv/bin/python bench/startup.py [--runs N]

Both run as fresh processes on the offscreen platform at 1920x1080 and print a line when
their first paint is done; the figure is the median wall time to that line. The ratio
matters, not the milliseconds: this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from _common import OFFSCREEN, ROOT, median_of, report, time_until_line

# Prints "painted" on the first paint of whatever it is installed on.
PAINTED = """
from PySide6.QtCore import QEvent, QObject
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
        return False
painted = Painted()
"""

BARE = PAINTED + """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel("Touch to learn about sciatica")
label.installEventFilter(painted)
label.resize(1920, 1080)
label.show()
app.exec()
"""

KIOSK = PAINTED + """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from kiosk.app import build
from kiosk.config import load_settings
app = QApplication([])
kiosk = build(load_settings(data_dir=Path(sys.argv[1]), windowed=True))
window = kiosk.window
window.show_section(0)
window.section_pages[0].text.viewport().installEventFilter(painted)
window.resize(1920, 1080)
window.show()
app.exec()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": OFFSCREEN, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as data:
        bare = median_of(args.runs, lambda: time_until_line(
            [sys.executable, "-c", BARE], "painted", env))
        kiosk = median_of(args.runs, lambda: time_until_line(
            [sys.executable, "-c", KIOSK, data], "painted", env))
    report([("start-up to first paint (median)", kiosk * 1000, bare * 1000, "ms")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
