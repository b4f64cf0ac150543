"""Shared bits of the bench scripts: run a command many times, summarise, print a table."""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREEN = ROOT / "tests" / "ui" / "offscreen-screen.json"
OFFSCREEN = f"offscreen:configfile={SCREEN}"


def machine() -> str:
    import os

    return (f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}")


def time_until_line(command: Sequence[str], line: str, env: dict[str, str]) -> float:
    """Seconds from starting ``command`` until it prints ``line`` (then it is stopped)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, env=env)
    assert process.stdout is not None
    for out in process.stdout:
        if out.strip() == line:
            elapsed = time.perf_counter() - start
            process.kill()
            process.wait()
            return elapsed
    process.wait()
    raise RuntimeError(f"{command[0]} exited without printing {line!r}")


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def report(rows: list[tuple[str, float, float, str]]) -> None:
    """rows: (figure, value, baseline, unit); prints value, baseline and their ratio."""
    print(f"machine: {machine()}")
    print(f"{'figure':<40} {'value':>10} {'baseline':>10} {'ratio':>7}")
    for name, value, baseline, unit in rows:
        print(f"{name:<40} {value:>8.1f}{unit:>2} {baseline:>8.1f}{unit:>2} "
              f"{value / baseline:>7.2f}")
    sys.stdout.flush()
