"""Attack: a page copied in slowly, in pieces with pauses, against the real content watcher.

    .venv/bin/python bench/attack_slow_writer.py [--quick] [--json FILE]

The kiosk is built by ``kiosk.app.build`` (offscreen) on a copy of the shipped content with
the watcher running and its shipped timing (quiet 700 ms, settle 5 s). A new page is
written in 8 pieces 1 s apart, as a slow copy from a share or a USB stick does. The figure
is how many versions of that page the watcher hands to the screen before the whole page:
partial versions shown (aim 0). The baseline is the same writer, in the same run, against
the same watcher with the settle time off (``reload_settle_ms = 0``: what the kiosk did
before issue 13, taking a version as soon as the folder was quiet). ``--quick`` scales
every time down by 5 (quiet 140 ms, settle 1 s, pieces 200 ms apart).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import BUNDLED_CONTENT, OFFSCREEN, ROOT, Row, emit, parser

PIECES = 8


def page_text(content: Path) -> bytes:
    source = sorted((content / "en").glob("*.md"))[0].read_text(encoding="utf-8")
    lines = ["title: Copied in slowly" if line.startswith("title:") else
             "order: 65" if line.startswith("order:") else line for line in source.split("\n")]
    body = "\n\n".join(f"Paragraph {n} of a page copied from a share." for n in range(1, 25))
    return ("\n".join(lines) + "\n" + body + "\n").encode("utf-8")


def main() -> int:
    args = parser(__doc__).parse_args()
    scale = 5 if args.quick else 1
    os.environ["QT_QPA_PLATFORM"] = OFFSCREEN
    sys.path.insert(0, str(ROOT))

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.app import build
    from kiosk.config import load_settings

    app = QApplication(sys.argv[:1])  # noqa: F841 - must live while the kiosk runs

    def run_loop(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(round(seconds * 1000), loop.quit)
        loop.exec()

    def attack(settle_ms: int, scratch: Path) -> tuple[int, int]:
        """(partial versions shown, whole versions shown) for one writer."""
        content = scratch / "content"
        shutil.copytree(BUNDLED_CONTENT, content)
        base = load_settings(content_dir=content, data_dir=scratch / "data", environ={})
        settings = base.with_overrides(reload_quiet_ms=base.reload_quiet_ms // scale,
                                       reload_settle_ms=settle_ms)
        kiosk = build(settings)
        kiosk.watcher.start()
        text = page_text(content)
        versions: list[str] = []
        kiosk.watcher.accepted.connect(lambda c: versions.extend(
            s.html for s in c.sections() if s.slug == "copied-in-slowly"))
        target = content / "en" / "65-copied-in-slowly.md"
        for piece in range(1, PIECES + 1):
            with target.open("ab") as f:
                f.write(text[len(text) * (piece - 1) // PIECES: len(text) * piece // PIECES])
            run_loop(1.0 / scale)
        # Then long enough for the whole page to settle and show.
        run_loop((settle_ms + base.reload_quiet_ms) / 1000 / scale + 2.0)
        kiosk.window.allow_close()
        kiosk.window.close()
        kiosk.close()
        whole = [v for v in versions if "Paragraph 24 of a page" in v]
        return len(versions) - len(whole), len(whole)

    with tempfile.TemporaryDirectory(prefix="bench-slow-writer-") as scratch:
        settle_ms = load_settings(environ={}).reload_settle_ms // scale
        start = time.perf_counter()
        partial, whole = attack(settle_ms, Path(scratch) / "settle")
        took = time.perf_counter() - start
        old_partial, old_whole = attack(0, Path(scratch) / "no-settle")
    rows = [Row(f"partial versions shown, page written in {PIECES} slow pieces", partial,
                "versions", old_partial, "same writer, settle off (before issue 13)", "0",
                partial == 0 and whole == 1)]
    notes = [f"pieces {1000 // scale} ms apart; with settle {settle_ms} ms: {partial} partial, "
             f"{whole} whole version(s) shown; "
             f"settle off: {old_partial} partial, {old_whole} whole; writer and wait took "
             f"{took:.1f} s"]
    emit("Attack: a page copied in slowly", rows, args.json, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
