"""The benchmarks still run: each script's --quick mode, as its own process, and the report.

Nothing here looks at a time: these machines are shared, and benchmarks are not tests. A
script that exits 0 and prints a table row for each of its figures passes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
# Seconds one quick script may take; raise on a slow machine.
TIMEOUT_S = float(os.environ.get("KIOSK_BENCH_QUICK_S", "240"))
ROW = re.compile(r"^\| (?P<figure>[^|]+?) \| (?P<value>[^|]+?) \|( [^|]+ \|){4}$")

FIGURES = {
    "startup.py": ["start-up to first painted start screen, warm",
                   "start-up to first painted section, warm",
                   "start-up to first painted start screen, cold",
                   "start-up to first painted section, cold"],
    "page_turn.py": ["page turn p50", "page turn p99", "page turn slowest",
                     "first turn to the busiest drawing allowed"],
    "memory.py": ["RSS after 20 page turns, first start (content checked)",
                  "RSS after 20 page turns, restart (check reused)"],
    "signup_save.py": ["save a sign-up (validate, seal, commit)"],
    "reload_stall.py": ["UI stall during a reload of 30 sections"],
    "attack_drawing.py": ["draw the 60,000-point dashed drawing at 1080 px",
                          "kiosk check with that drawing on a page (cold cache)"],
    "attack_slow_writer.py": ["partial versions shown, page written in 8 slow pieces"],
    "attack_pin.py": ["wrong PINs checked per day, working disk",
                      "wrong PINs checked per hour, disk full or read-only",
                      "wrong passphrases checked per day, PIN known",
                      "expected days to find a 6-digit PIN at the screen"],
    "memory_canary.py": ["copies of a patient's name after a lock, UTF-8",
                         "copies of a patient's name after a lock, UTF-16",
                         "copies of the passphrase after a lock, UTF-8"],
    "markdown_habits.py": [
        "CommonMark examples shown with the same structure (of 400)",
        "CommonMark examples that differ and check reports (of 400)",
        "CommonMark examples that differ silently (of 400)",
        "check of the shipped pages, CommonMark yardstick on"],
    "desk_list.py": ["desk list redraw when one sign-up arrives among 50",
                     "desk search keystroke among 50"],
    "speech_latency.py": [
        f"Listen tap to first sound at the player, {language}, {pick}"
        for language in ("English", "Spanish") for pick in ("p50", "p90")],
    "server_send.py": ["send a sealed sign-up to the clinic server"],
    "outbox_drain.py": ["drain 1,200 queued sign-ups after an outage"],
    "outbox_page_turn.py": ["page turn p99 while the outbox drains",
                            "page turn p50 while the outbox drains"],
    "pages_publish.py": ["publish to shown on two kiosks, p50",
                         "publish to shown on two kiosks, p99"],
    "send_to_desk.py": ["kiosk send to the row shown at the desk, p50",
                        "kiosk send to the row shown at the desk, p99"],
}
CHROMIUM_FIGURES = ["start-up, start to exit after first paint, warm",
                    "start-up, start to exit after first paint, cold"]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench-results")


def run_quick(script: str, results: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run(
        [sys.executable, str(BENCH / script), "--quick", "--json",
         str(results / f"{Path(script).stem}.json")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)


def figures_printed(stdout: str) -> list[str]:
    return [m["figure"] for line in stdout.splitlines() if (m := ROW.match(line))
            and m["figure"] != "figure" and not m["figure"].startswith("---")]


@pytest.mark.parametrize("script", list(FIGURES))
def test_each_bench_script_runs_alone_and_prints_its_rows(script: str, results: Path) -> None:
    done = run_quick(script, results)
    assert done.returncode == 0, done.stderr[-3000:]
    expected = list(FIGURES[script])
    if script == "startup.py":
        if shutil.which("chromium") is None:
            # The only part that may be left out, and the output must say so.
            assert "chromium is not installed: the Chromium peer was skipped" in done.stdout
        else:
            expected += CHROMIUM_FIGURES
    assert sorted(figures_printed(done.stdout)) == sorted(expected), done.stdout
    saved = json.loads((results / f"{Path(script).stem}.json").read_text())
    assert sorted(row["figure"] for row in saved["rows"]) == sorted(expected)


def test_run_all_writes_the_report_from_every_script(results: Path, tmp_path: Path) -> None:
    missing = [s for s in FIGURES if not (results / f"{Path(s).stem}.json").is_file()]
    if missing:
        pytest.skip(f"needs the results of {', '.join(missing)} (run the whole module)")
    output = tmp_path / "performance.md"
    done = subprocess.run(
        [sys.executable, str(BENCH / "run_all.py"), "--quick", "--results-from", str(results),
         "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr
    text = output.read_text(encoding="utf-8")
    assert "`.venv/bin/python bench/run_all.py --quick`" in text
    assert "Machine: " in text
    assert "these figures mean nothing" in text.lower()
    for figures in FIGURES.values():
        for figure in figures:
            assert f"| {figure} |" in text
