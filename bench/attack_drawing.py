"""Attack: a drawing that passes every static check but takes minutes to draw.

    .venv/bin/python bench/attack_drawing.py [--quick] [--json FILE]

The drawing is issue 13's: one SVG polyline of 60,000 points with ``stroke-dasharray:
0.001`` (one shape, well under the shape limit). Two figures:
- seconds to draw it once with the kiosk's own renderer (``kiosk/ui/draw_probe.py``, which
  draws as ``kiosk/ui/services/pictures.py`` does) at 1080x1080, against the slowest shipped drawing
  drawn the same way in the same run. The draw is stopped at a cap (60 s, 5 s with
  --quick); a stopped draw is reported as "more than" the cap;
- seconds ``kiosk check`` takes on the shipped content with that drawing on a page (from a
  cold cache), and whether it refuses it, against ``kiosk check`` on the shipped content.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import BUNDLED_CONTENT, ROOT, Row, emit, parser

PROBE = ROOT / "kiosk" / "ui" / "draw_probe.py"
POINTS = 60_000
SIDE = 1080


def hostile_drawing(path: Path) -> Path:
    rng = random.Random(13)
    line = " ".join(f"{rng.randrange(1000)},{rng.randrange(1000)}" for _ in range(POINTS))
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000">'
                    f'<polyline points="{line}" fill="none" stroke="black" '
                    'style="stroke-dasharray: 0.001"/></svg>', encoding="utf-8")
    return path


def draw_seconds(picture: Path, cap_s: float) -> tuple[float, bool]:
    """CPU seconds the kiosk's renderer takes to draw ``picture``; (cap, False) if stopped."""
    command = [sys.executable, str(PROBE), "--box", str(SIDE), "--cpu-ms", "3600000",
               "--memory-mb", "2048", str(picture)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=cap_s + 10,
                              check=False)
    except subprocess.TimeoutExpired:
        return cap_s, False
    for line in done.stdout.splitlines():
        event = json.loads(line)
        if "cpu_ms" in event:
            return event["cpu_ms"] / 1000, True
    raise RuntimeError(f"the drawing program said nothing useful: {done.stdout!r}")


def timed_check(content: Path, data: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kiosk", "check", "--data-dir", str(data),
                           str(content)], capture_output=True, text=True, check=False,
                          cwd=ROOT, timeout=600)
    return time.perf_counter() - start, done


def main() -> int:
    args = parser(__doc__).parse_args()
    cap_s = 5.0 if args.quick else 60.0
    with tempfile.TemporaryDirectory(prefix="bench-attack-drawing-") as scratch:
        folder = Path(scratch)
        content = folder / "content"
        shutil.copytree(BUNDLED_CONTENT, content)
        hostile = hostile_drawing(content / "images" / "dashes.svg")
        size_kb = hostile.stat().st_size // 1024
        shipped = {p.name: draw_seconds(p, cap_s)[0]
                   for p in sorted((BUNDLED_CONTENT / "images").glob("*.svg"))}
        slowest = max(shipped, key=lambda name: shipped[name])
        hostile_s, finished = draw_seconds(hostile, cap_s)

        baseline_s, baseline = timed_check(BUNDLED_CONTENT, folder / "data-shipped")
        page = sorted((content / "en").glob("*.md"))[0]
        page.write_text("\n".join("image: dashes.svg" if line.startswith("image:") else line
                                  for line in page.read_text(encoding="utf-8").split("\n")),
                        encoding="utf-8")
        check_s, done = timed_check(content, folder / "data-hostile")
    if baseline.returncode != 0:
        raise RuntimeError(f"kiosk check refused the shipped content:\n{baseline.stdout}")
    refusal = [line for line in done.stdout.splitlines() if "dashes.svg" in line]
    refused = done.returncode == 1 and bool(refusal)
    rows = [
        Row(f"draw the {POINTS:,}-point dashed drawing at {SIDE} px", hostile_s, "s",
            shipped[slowest], f"slowest shipped drawing, {slowest}", "-", None,
            "" if finished else f"stopped at the {cap_s:.0f} s cap: more than this"),
        Row("kiosk check with that drawing on a page (cold cache)", check_s, "s", baseline_s,
            "kiosk check, shipped content", "refused, <= 10 s", refused and check_s <= 10),
    ]
    notes = [f"{size_kb} KB drawing; drawn with kiosk/ui/draw_probe.py "
             f"(QImageReader, as the kiosk draws); "
             + ("drawn in full" if finished else f"draw stopped after {cap_s:.0f} s"),
             "kiosk check refused it: " + (refusal[0] if refused else "NO, it was accepted")]
    emit("Attack: a drawing that is slow to draw", rows, args.json, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
