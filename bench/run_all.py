"""Run every benchmark, one after the other, and write docs/performance.md.

    .venv/bin/python bench/run_all.py [--quick] [--output FILE] [--results-from DIR]

Each script runs as its own process (so one's memory or threads never skew another's) with
``--json``; their rows become one table with the machine it ran on and the command to
reproduce it. ``bench/findings.md`` (what was profiled and fixed, written by hand) is
appended. ``--quick`` runs each script once, briefly: CI uses it to keep the scripts
working, and its figures mean nothing. ``--results-from DIR`` only writes the report from
JSON files a previous run left there.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, TABLE_HEAD, Row, machine, table_line

HERE = Path(__file__).resolve().parent
SCRIPTS = ("startup.py", "page_turn.py", "memory.py", "signup_save.py", "reload_stall.py",
           "attack_drawing.py", "attack_slow_writer.py", "attack_pin.py", "memory_canary.py",
           "markdown_habits.py", "speech_latency.py", "server_send.py", "desk_list.py",
           "outbox_drain.py", "outbox_page_turn.py", "pages_publish.py")
FINDINGS = HERE / "findings.md"
DEFAULT_OUTPUT = ROOT / "docs" / "performance.md"


def run_scripts(results: Path, quick: bool) -> dict[str, float]:
    seconds = {}
    for script in SCRIPTS:
        command = [sys.executable, str(HERE / script), "--json",
                   str(results / f"{Path(script).stem}.json")]
        if quick:
            command.append("--quick")
        print(f"== {script}", flush=True)
        start = time.perf_counter()
        # stderr (the kiosk's own log lines) is left out of the report but shown on failure.
        done = subprocess.run(command, stdout=sys.stdout, stderr=subprocess.PIPE, text=True,
                              check=False)
        seconds[script] = time.perf_counter() - start
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-5000:])
            raise SystemExit(f"{script} failed with exit code {done.returncode}")
    return seconds


def git_revision() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain",
                            "--untracked-files=no", "--", "kiosk", "bench"],
                           capture_output=True, text=True, check=False)
    revision = done.stdout.strip() or "unknown"
    return revision + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def report(results: Path, command: str, quick: bool) -> str:
    rows: list[Row] = []
    notes: list[str] = []
    for script in SCRIPTS:
        data = json.loads((results / f"{Path(script).stem}.json").read_text())
        rows.extend(Row(**row) for row in data["rows"])
        notes.extend(f"{data['title']}: {note}" for note in data["notes"])
    missed = [row.figure for row in rows if row.met is False]
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Performance",
        "",
        "Written by `bench/run_all.py`; do not edit by hand (edit `bench/findings.md`).",
        "Every figure is measured against a baseline measured in the same run; read the",
        "ratios, not the milliseconds: the machine is shared and noisy.",
        "",
        f"- Reproduce: `{command}`",
        f"- Machine: {machine()}",
        f"- Run: {when}, code at {git_revision()}",
    ]
    if quick:
        lines.append("- **Quick mode: one short run each. These figures mean nothing.**")
    lines += ["", TABLE_HEAD, *(table_line(row) for row in rows), ""]
    lines.append(f"Aims met: {sum(row.met is True for row in rows)} of "
                 f"{sum(row.met is not None for row in rows)}"
                 + (f"; missed: {', '.join(missed)}." if missed else "."))
    lines += ["", "## How each figure was measured", ""]
    lines += [f"- {note}" for note in notes]
    lines += ["", "Each script's docstring says exactly what it times; run one alone with "
              "`.venv/bin/python bench/<script>.py`.", ""]
    if FINDINGS.is_file():
        lines += [FINDINGS.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--results-from", type=Path,
                        help="write the report from the JSON files in this folder")
    args = parser.parse_args()
    command = ".venv/bin/python bench/run_all.py" + (" --quick" if args.quick else "")
    if args.results_from is not None:
        text = report(args.results_from, command, args.quick)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-results-") as folder:
            seconds = run_scripts(Path(folder), args.quick)
            text = report(Path(folder), command, args.quick)
        print("== took " + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items()))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
