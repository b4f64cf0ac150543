"""Memory: resident set size (RSS) after 100 page turns, against a bare PySide6 window.

    .venv/bin/python bench/memory.py [--quick] [--runs N] [--turns N] [--json FILE]

Each run starts two fresh processes on the offscreen platform, full screen at 1920x1080
(bench/_first_paint.py): the kiosk, built by ``kiosk.app.build`` with the shipped content
plus a 12-megapixel photo, which taps Next and Back through every section 100 times; and a
bare window showing one label, which changes its text 100 times. Both then read their own
VmRSS from /proc/self/status. The figure is the median over the runs.

The kiosk is measured twice on the same data folder: its first start, which checks the
content (and so imports the checker: python-markdown, markdown-it, Pillow), and the start
after it, as after a reboot, which reuses that check (kiosk/content/checked_record.py). A
kiosk checks again whenever staff change the content, so over its life it holds the first
figure; a kiosk whose content has not changed since its last start holds the second.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _common import Row, emit, median, parser, photo_content, qt_env, run_child

CHILD = Path(__file__).resolve().parent / "_first_paint.py"


def rss_mb(output: str) -> float:
    for line in output.splitlines():
        if line.startswith("rss "):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no rss line in {output!r}")


def main() -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--runs", type=int, default=5)
    args_parser.add_argument("--turns", type=int, default=100)
    args = args_parser.parse_args()
    runs = 1 if args.quick else args.runs
    turns = 20 if args.quick else args.turns
    env = qt_env()
    bare, kiosk, again = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as scratch:
        content = photo_content(Path(scratch) / "content")

        def start_kiosk(data: Path) -> float:
            return rss_mb(run_child(
                [sys.executable, str(CHILD), "kiosk", str(data), "--turns", str(turns),
                 "--content", str(content)], env))

        for n in range(runs):
            data = Path(scratch) / f"data-{n}"
            bare.append(rss_mb(run_child(
                [sys.executable, str(CHILD), "bare", "--turns", str(turns)], env)))
            kiosk.append(start_kiosk(data))
            again.append(start_kiosk(data))
    base = median(bare)
    rows = [Row(f"RSS after {turns} page turns, {what}", median(values), "MB", base,
                "bare PySide6 window", "<= 1.5x", median(values) <= 1.5 * base)
            for what, values in (("first start (content checked)", kiosk),
                                 ("restart (check reused)", again))]

    def listed(values: list[float]) -> str:
        return ", ".join(f"{v:.1f}" for v in values)

    emit("Memory", rows, args.json,
         [f"median of {runs} run(s); kiosk first starts (MB): {listed(kiosk)}; restarts: "
          f"{listed(again)}; bare: {listed(bare)}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
