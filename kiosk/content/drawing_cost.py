"""What a drawing costs to draw, measured by drawing it once in a child process under limits.

Counting shapes does not bound drawing time: a 348 KB SVG of one 60,000-point line with a
0.001 dash passed every static check and took 128 s to draw at 1000x1000. So each drawing a
page uses is drawn once by the kiosk's own renderer (``kiosk/ui/draw_probe.py``, started by
path: this package never imports Qt) with the kernel limiting its CPU time and memory, and
the parent killing it if the clock runs out. A drawing over budget is refused.

Verdicts are cached by the SHA-256 of the file's bytes and the budget, so a check or reload
after the first costs a hash per drawing. Each file is read once: the child draws a private
copy of exactly the bytes that were hashed, never the file by its path (a file swapped between
the hash and the drawing would otherwise file a verdict on other bytes under that hash).

If Qt cannot be loaded (``kiosk check`` on a machine without display libraries), nothing is
measured and the caller gets a reason to show as a warning: the static limits in svg.py
still apply, but nothing is accepted silently.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.content.model import escaped
from kiosk.private_files import private_dir, write_atomic

log = logging.getLogger(__name__)

PROBE = Path(__file__).resolve().parent.parent / "ui" / "draw_probe.py"
# Part of every cache key: a change to how drawings are measured invalidates old verdicts.
PROBE_VERSION = 1
# How long Python and Qt may take to start in the child, a busy machine included.
STARTUP_S = 60.0


@dataclass(frozen=True)
class DrawingBudget:
    """What one drawing may cost, drawn fitted into a ``box_px`` square."""

    cpu_ms: int = 1500
    memory_mb: int = 512
    # The longest side of a 1080p screen: a drawing costs more the larger it is drawn (a
    # dashed line took 3 ms at 1000 px and 310 ms at 1080), so measure it at the largest.
    box_px: int = 1920
    cache_dir: Path | None = None
    # For tests of a machine without Qt: extra environment for the child.
    child_env: Mapping[str, str] = field(default_factory=dict)

    @property
    def wall_s(self) -> float:
        """Clock time one file may take before the child is killed: CPU time is what the
        budget counts, so this only catches a child stuck without using any."""
        return max(5.0, 4 * self.cpu_ms / 1000)

    def key(self) -> str:
        return f"v{PROBE_VERSION}-{self.box_px}px-{self.cpu_ms}ms-{self.memory_mb}mb"


@dataclass
class DrawingVerdicts:
    # Why each refused drawing is refused, by path.
    refused: dict[Path, str] = field(default_factory=dict)
    # Why drawing costs could not be measured here at all; None when they were.
    unmeasured: str | None = None
    measured_ms: dict[Path, float] = field(default_factory=dict)


class _NoRoomForCopyError(Exception):
    """The private copy to draw could not be written (a full or read-only temp folder)."""


def _snapshot(path: Path, into: Path, number: int) -> tuple[str, Path]:
    """The digest of ``path``'s bytes, and a private copy of those very bytes to draw.
    Raises OSError if ``path`` cannot be read, _NoRoomForCopyError if the copy cannot be made."""
    data = path.read_bytes()
    # The suffix too: Qt picks the image plugin partly by it.
    copy = into / f"{number}{path.suffix.lower()}"
    try:
        copy.write_bytes(data)
    except OSError as e:
        raise _NoRoomForCopyError(escaped(e)) from e
    return hashlib.sha256(data).hexdigest(), copy


def _cache_file(budget: DrawingBudget, digest: str) -> Path | None:
    if budget.cache_dir is None:
        return None
    return budget.cache_dir / "drawing-cost" / budget.key() / f"{digest}.json"


def _cached(budget: DrawingBudget, digest: str) -> dict[str, object] | None:
    path = _cache_file(budget, digest)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("verdict"), str) else None


def _remember(budget: DrawingBudget, digest: str, verdict: dict[str, object]) -> None:
    path = _cache_file(budget, digest)
    if path is None or budget.cache_dir is None or not budget.cache_dir.parent.is_dir():
        return  # `kiosk check` never makes a data folder just for its cache
    try:
        # Each level private: mkdir's mode covers only the last one.
        for folder in (budget.cache_dir, path.parent.parent, path.parent):
            private_dir(folder)
        write_atomic(path, json.dumps(verdict).encode("utf-8"))
    except OSError as e:  # a read-only or full disk: measured again next time, no harm
        log.info("cannot cache a drawing's cost: %s", escaped(e))


def _message(name: str, verdict: Mapping[str, object], budget: DrawingBudget) -> str | None:
    kind = verdict["verdict"]
    limit = f"{budget.cpu_ms / 1000:g} s"
    if kind == "ok":
        return None
    if kind == "slow":
        spent = float(str(verdict.get("cpu_ms", 0))) / 1000
        return (f"the drawing '{name}' takes {spent:.1f} s to draw; the kiosk allows {limit} "
                "(simplify it: fewer points, no dashes or blur on long lines)")
    if kind in ("killed", "timeout"):
        return (f"the drawing '{name}' takes longer than {limit} to draw and was stopped; "
                "simplify it (fewer points, no dashes or blur on long lines)")
    if kind == "memory":
        return (f"the drawing '{name}' needs more than {budget.memory_mb} MB of memory to "
                "draw; simplify it")
    return (f"the kiosk cannot draw '{name}': Qt drew nothing from it (a drawing without a "
            f"size, a damaged one, or one that needs more than {budget.memory_mb} MB); save "
            "it again as plain SVG with a width and height")


class _Probe:
    """One child drawing the files it was given, read a line at a time with a deadline."""

    def __init__(self, files: Sequence[Path], budget: DrawingBudget) -> None:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **budget.child_env}
        self.process = subprocess.Popen(
            [sys.executable, str(PROBE), "--box", str(budget.box_px), "--cpu-ms",
             str(budget.cpu_ms), "--memory-mb", str(budget.memory_mb),
             *(str(f) for f in files)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, start_new_session=True)
        assert self.process.stdout is not None
        self._stdout = self.process.stdout
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._stdout, selectors.EVENT_READ)

    def next_event(self, timeout_s: float) -> dict[str, object] | None:
        """The next line, or None if the child ended or the deadline passed (then killed)."""
        deadline = time.monotonic() + timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                self.kill()
                return None
            line = self._stdout.readline()
            if not line:
                return None
            with contextlib.suppress(ValueError):
                event = json.loads(line)
                if isinstance(event, dict):
                    return event

    def ended_by(self) -> int:
        """How the child ended: its exit code, or minus the signal that ended it."""
        try:
            return self.process.wait(timeout=STARTUP_S)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.process.wait()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def close(self) -> None:
        self.kill()
        self.process.wait()
        self._selector.close()
        self._stdout.close()


def _measure(files: list[Path], budget: DrawingBudget,
             verdicts: DrawingVerdicts) -> dict[Path, dict[str, object]]:
    """Draw ``files`` in as few children as possible: one, unless one is killed."""
    found: dict[Path, dict[str, object]] = {}
    left = list(files)
    while left:
        probe = _Probe(left, budget)
        try:
            start = probe.next_event(STARTUP_S)
            if start is None or start.get("qt") == "missing" or not start.get("ready"):
                why = (str(start.get("error", "")) if start else
                       f"the drawing program ended with {probe.ended_by()}")
                verdicts.unmeasured = f"Qt cannot be loaded to draw pictures here ({why})"
                return found
            done = 0
            while done < len(left):
                event = probe.next_event(budget.wall_s)
                if event is None:
                    ended = probe.ended_by()
                    if ended == -signal.SIGXCPU:
                        found[left[done]] = {"verdict": "killed"}
                    elif ended == -signal.SIGKILL:
                        found[left[done]] = {"verdict": "timeout"}
                    else:  # out of memory: Qt aborts, or Python raises MemoryError
                        found[left[done]] = {"verdict": "memory", "exit": ended}
                    done += 1
                    break
                cpu_ms = float(str(event.get("cpu_ms", 0)))
                verdict = ("unreadable" if not event.get("drawn") else
                           "slow" if cpu_ms > budget.cpu_ms else "ok")
                found[left[done]] = {"verdict": verdict, "cpu_ms": cpu_ms}
                done += 1
            left = left[done:]
        finally:
            probe.close()
    return found


def judge_drawings(files: Sequence[Path], budget: DrawingBudget) -> DrawingVerdicts:
    """Draw each of ``files`` (SVG drawings) once, unless its verdict is cached."""
    verdicts = DrawingVerdicts()
    digests: dict[Path, str] = {}
    copies: dict[Path, Path] = {}
    known: dict[Path, dict[str, object]] = {}
    # mkdtemp makes the folder 0700: no one else can swap the copies the child draws.
    try:
        private = tempfile.mkdtemp(prefix="kiosk-drawing-cost-")
    except OSError as e:
        verdicts.unmeasured = f"no private copy of the drawings could be made ({escaped(e)})"
        return verdicts
    try:
        for number, path in enumerate(dict.fromkeys(files)):
            try:
                digests[path], copies[path] = _snapshot(path, Path(private), number)
            except _NoRoomForCopyError as e:
                # Said like a missing Qt: a warning, never a silent pass; verdicts already
                # cached still count.
                verdicts.unmeasured = f"no private copy of the drawings could be made ({e})"
                break
            except OSError:
                continue  # the static check already reported it
            cached = _cached(budget, digests[path])
            if cached is not None:
                known[path] = cached
        unknown = [path for path in copies if path not in known]
        if unknown and verdicts.unmeasured is None:
            measured = _measure([copies[path] for path in unknown], budget, verdicts)
            by_copy = dict(zip((copies[path] for path in unknown), unknown, strict=True))
            for copy, verdict in measured.items():
                _remember(budget, digests[by_copy[copy]], verdict)
                known[by_copy[copy]] = verdict
    finally:
        shutil.rmtree(private, ignore_errors=True)
    for path, verdict in known.items():
        if "cpu_ms" in verdict:
            verdicts.measured_ms[path] = float(str(verdict["cpu_ms"]))
        message = _message(path.name, verdict, budget)
        if message:
            verdicts.refused[path] = message
    return verdicts
