"""Page turns: from 'next' to the frame painted, against switching two plain labels.

    .venv/bin/python bench/page_turn.py [--turns N]

Runs the real window offscreen at 1920x1080 and times ``go_next()`` plus a synchronous
``repaint()`` of the whole window, over N turns through every section; the baseline is the
same for a QStackedWidget of plain QLabels of the same size, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import OFFSCREEN, ROOT, report


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=500)
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = OFFSCREEN
    sys.path.insert(0, str(ROOT))

    from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget

    from kiosk.app import build
    from kiosk.config import load_settings

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as data:
        kiosk = build(load_settings(data_dir=Path(data), windowed=True))
        window = kiosk.window
        window.resize(1920, 1080)
        window.show()
        window.show_section(0)
        app.processEvents()

        baseline_stack = QStackedWidget()
        for n in range(len(window.sections)):
            baseline_stack.addWidget(QLabel(f"Page {n}"))
        baseline_stack.resize(1920, 1080)
        baseline_stack.show()
        app.processEvents()

        def turn_kiosk() -> float:
            start = time.perf_counter()
            index = window.current_index()
            if index is None or index + 1 >= len(window.sections):
                window.show_section(0)
            else:
                window.go_next()
            window.repaint()
            return time.perf_counter() - start

        def turn_baseline() -> float:
            start = time.perf_counter()
            baseline_stack.setCurrentIndex((baseline_stack.currentIndex() + 1)
                                           % baseline_stack.count())
            baseline_stack.repaint()
            return time.perf_counter() - start

        kiosk_times = [turn_kiosk() * 1000 for _ in range(args.turns)]
        base_times = [turn_baseline() * 1000 for _ in range(args.turns)]
        kiosk.close()
    report([
        ("page turn p50", statistics.median(kiosk_times), statistics.median(base_times), "ms"),
        ("page turn p99", percentile(kiosk_times, 0.99), percentile(base_times, 0.99), "ms"),
        ("page turn max", max(kiosk_times), max(base_times), "ms"),
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
