"""Draw pictures once with the kiosk's own renderer and report what each cost: a child process.

    python kiosk/ui/draw_probe.py --box PX --cpu-ms MS --memory-mb MB FILE...

``kiosk/content/drawing_cost.py`` starts this file by path (the content core never imports
Qt) and reads one JSON line per event from its stdout:

    {"ready": true}                              Qt is loaded; limits are set
    {"qt": "missing", "error": "..."}            Qt cannot be loaded here; nothing was drawn
    {"index": 0, "cpu_ms": 12.5, "drawn": true}  one per file, in order

Each file is drawn by ``kiosk.ui.services.pictures._read``, exactly as the kiosk draws it
(Qt's image plugins through QImageReader, fitted into a ``--box`` square). The limits are
the kernel's, not a timer's: before each file the CPU-time limit (RLIMIT_CPU) is set to what
was used so far plus the budget and a second, so a drawing that never ends is killed by SIGXCPU; the
address space (RLIMIT_AS) may grow ``--memory-mb`` past what Qt itself took. The parent
also kills the child if a file takes too long by the clock (a child stuck without using CPU).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
from pathlib import Path

# Started by path, so the folder holding the kiosk package must be importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _say(event: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def _address_space_bytes() -> int:
    with Path("/proc/self/statm").open(encoding="ascii") as f:
        pages = int(f.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--box", type=int, required=True)
    parser.add_argument("--cpu-ms", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    # A drawing killed for its CPU time (SIGXCPU) or memory (abort) must not leave a core.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtCore import QSize
        from PySide6.QtGui import QGuiApplication

        from kiosk.ui.services.pictures import _load_plugins_here, _read
    except ImportError as e:  # no PySide6, or a display library it needs is missing
        _say({"qt": "missing", "error": str(e)})
        return 3
    app = QGuiApplication(["draw-probe"])
    _load_plugins_here()
    try:
        used = _address_space_bytes()
        limit = used + args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError) as e:
        _say({"qt": "missing", "error": f"cannot limit memory: {e}"})
        return 3
    _say({"ready": True})
    box = QSize(args.box, args.box)
    for index, path in enumerate(args.files):
        spent = time.process_time()
        soft = math.ceil(spent + args.cpu_ms / 1000) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))
        image = _read(path, box)
        cpu_ms = (time.process_time() - spent) * 1000
        _say({"index": index, "cpu_ms": round(cpu_ms, 1), "drawn": not image.isNull()})
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
