"""Shared bits of the bench scripts: options, content to measure with, the table of results.

Every script prints the same kind of table: one row per figure with its value, the baseline
measured in the same run, their ratio, the aim and whether it was met. ``--json FILE`` also
writes the rows for ``run_all.py``, which turns them into docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CONTENT = ROOT / "resources" / "content"
# The kiosk's screen: 1080p landscape (the tests' screen is 1920x1920 to fit portrait too).
SCREEN_1080P = Path(__file__).resolve().parent / "screen-1080p.json"
OFFSCREEN = f"offscreen:configfile={SCREEN_1080P}"
PHOTO_SIZE = (4000, 3000)  # 12 megapixels, what a phone camera saves


@dataclass
class Row:
    """One figure. ``ratio`` is value / baseline; ``met`` is None when there is no aim."""

    figure: str
    value: float
    unit: str
    baseline: float | None
    baseline_name: str
    aim: str
    met: bool | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    def cells(self) -> list[str]:
        base = "-" if self.baseline is None else f"{_number(self.baseline)} {self.unit}"
        if self.baseline is not None:
            base += f" ({self.baseline_name})"
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}x"
        met = {True: "met", False: "**missed**", None: "-"}[self.met]
        return [self.figure, f"{_number(self.value)} {self.unit}", base, ratio, self.aim, met]


def _number(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 \
        else f"{value:.2f}"


TABLE_HEAD = ("| figure | value | baseline | ratio | aim | met |\n"
              "| --- | --- | --- | --- | --- | --- |")


def table_line(row: Row) -> str:
    return "| " + " | ".join(row.cells()) + " |"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB RAM"
    except (OSError, ValueError):
        memory = ""
    try:
        load = ", load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    except OSError:
        load = ""
    return (f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}{load}")


def parser(doc: str | None) -> argparse.ArgumentParser:
    assert doc is not None
    result = argparse.ArgumentParser(description=doc.splitlines()[0])
    result.add_argument("--quick", action="store_true",
                        help="one short run of each measurement (CI: the script still works)")
    result.add_argument("--json", type=Path, help="also write the rows to this file")
    return result


def emit(title: str, rows: list[Row], json_path: Path | None, notes: Sequence[str] = ()) -> None:
    """Print the rows as a table (and write them as JSON for run_all.py)."""
    print(f"## {title}")
    print(f"machine: {machine()}")
    for note in notes:
        print(f"note: {note}")
    print(TABLE_HEAD)
    for row in rows:
        print(table_line(row))
    sys.stdout.flush()
    if json_path is not None:
        json_path.write_text(json.dumps({"title": title, "notes": list(notes),
                                         "rows": [asdict(r) for r in rows]}, indent=1))


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the value that ``fraction`` of the samples do not exceed."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.4999))
    return ordered[min(len(ordered), rank) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def qt_env(**extra: str) -> dict[str, str]:
    """The environment for a Qt child process on the 1080p offscreen screen."""
    env = {**os.environ, "QT_QPA_PLATFORM": OFFSCREEN, "PYTHONPATH": str(ROOT), **extra}
    # An installed kiosk starts from compiled bytecode (pip writes it at install); a shell
    # that forbids writing it would have every start compile the program again (~100 ms).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return env


def run_child(command: Sequence[str], env: dict[str, str], timeout: float = 120) -> str:
    """Run a measuring child process; return its stdout, fail loudly with its stderr."""
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} {command[1] if len(command) > 1 else ''} exited "
                           f"{done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def make_photo(path: Path, size: tuple[int, int] = PHOTO_SIZE) -> Path:
    """A JPEG with a photo's size and texture (gradient plus grain), not a flat colour that
    would decode unrealistically fast."""
    from PIL import Image

    width, height = size
    grain = Image.effect_noise((width // 4, height // 4), 40).resize(size)
    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    photo = Image.merge("RGB", (red, green, grain))
    photo.save(path, quality=88)
    return path


def photo_content(target: Path, photo: Path | None = None) -> Path:
    """The shipped content with a 12-megapixel photo as the second section's picture."""
    shutil.copytree(BUNDLED_CONTENT, target)
    name = "photo-12mp.jpg"
    if photo is None:
        make_photo(target / "images" / name)
    else:
        shutil.copy2(photo, target / "images" / name)
    set_picture(target, 1, name)
    return target


def set_picture(content: Path, index: int, name: str) -> None:
    """Make ``name`` (in the images folder) the picture of section number ``index``."""
    page = sorted((content / "en").glob("*.md"))[index]
    lines = [f"image: {name}" if line.startswith("image:") else line
             for line in page.read_text(encoding="utf-8").split("\n")]
    page.write_text("\n".join(lines), encoding="utf-8")


def add_busy_drawing(content: Path, index: int) -> None:
    """Section ``index`` gets the busiest drawing ``kiosk check`` lets through: 1,990
    see-through circles and four blurred squares (most of a second to draw)."""
    from kiosk.content.svg import MAX_FILTERED, MAX_SHAPES

    squares = "".join(f'<rect x="{50 * n}" y="50" width="400" height="400" fill="#3A7CA5" '
                      'filter="url(#blur)"/>' for n in range(MAX_FILTERED))
    circles = "".join(f'<circle cx="{n * 37 % 800}" cy="{n * 53 % 800}" r="{60 + n % 90}" '
                      'fill="#C9736B" fill-opacity="0.3"/>'
                      for n in range(MAX_SHAPES - MAX_FILTERED - 10))
    (content / "images" / "busy.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" viewBox="0 0 800 800">'
        '<defs><filter id="blur"><feGaussianBlur stdDeviation="12"/></filter></defs>'
        f"{squares}{circles}</svg>", encoding="utf-8")
    set_picture(content, index, "busy.svg")


def timed(measure: Callable[[], object]) -> float:
    start = time.perf_counter()
    measure()
    return time.perf_counter() - start
