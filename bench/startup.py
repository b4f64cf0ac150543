"""Start-up to the first painted start screen and section, whole process, cold and warm.

    .venv/bin/python bench/startup.py [--quick] [--runs N] [--cold-runs N] [--json FILE]

Four programs are started as fresh processes, interleaved, and timed from ``Popen`` on:

* the kiosk as it boots: built by ``kiosk.app.build`` exactly as ``kiosk run`` does, showing
  its start screen; it prints ``painted`` once the start screen has been painted and flushed
  (what a kiosk shows after boot: the aim is at most 1.3x the bare window);
* the kiosk opened on a section, built the same way (settings, log file, sign-up database,
  content check or reuse of the last checked copy, pages), showing the first section
  full screen at 1920x1080; it prints ``painted`` once that section's text has been painted
  and flushed;
* the floor: a bare PySide6 window with one label, full screen, printing ``painted`` the
  same way;
* the peer: headless Chromium (Debian's ``chromium``) rendering the same section as HTML
  (same text, CSS and picture) to a screenshot, with a fresh profile each time. Chromium
  cannot say when it painted, so this comparison is process start to *exit*, and the kiosk
  and bare window are timed to exit too (they quit right after their first paint).

Qt runs on a real X server (Xvfb, xcb platform, as on the kiosk) when Xvfb is installed,
else offscreen. Warm: medians after one untimed start of each. Cold: before each cold start
the page cache is dropped (``sync; echo 3 > /proc/sys/vm/drop_caches``, needs root); where
that is not permitted, cold is only the first start of each program in this run, which is
said in the output. ``--quick`` starts each program once, drops no caches and skips
Chromium if it is not installed (it is installed with apt-get otherwise).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _common import BUNDLED_CONTENT, ROOT, Row, emit, median, parser, qt_env

HERE = Path(__file__).resolve().parent
CHILD = HERE / "_first_paint.py"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1920,1080",
                  "--hide-scrollbars")


@contextlib.contextmanager
def x_server() -> Iterator[str | None]:
    """A 1920x1080 Xvfb for the Qt programs, or None (offscreen) if Xvfb is missing."""
    if shutil.which("Xvfb") is None:
        yield None
        return
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0",
                               "1920x1080x24", "-nolisten", "tcp", "-noreset"],
                              pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def drop_caches() -> bool:
    """Empty the page cache so the next start reads its files from disk; False if refused."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def ensure_chromium(install: bool) -> str | None:
    found = shutil.which("chromium")
    if found or not install:
        return found
    print("chromium is not installed; installing Debian's package with apt-get", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                    "chromium"], env=env, check=False)
    return shutil.which("chromium")


def section_page(folder: Path) -> Path:
    """The kiosk's first section as one HTML page: header, title, picture, text, buttons."""
    from kiosk.config import Theme
    from kiosk.content.loader import load_content
    from kiosk.ui.widgets.theme import Metrics, document_css

    content = load_content(BUNDLED_CONTENT, ("en",), "en").content
    assert content is not None
    section = content.sections("en")[0]
    theme = Theme()
    metrics = Metrics.for_theme(theme)
    html = f"""<!doctype html><html><head><meta charset="utf-8"><style>
    html, body {{ margin: 0; height: 100%; background: {theme.background};
                 font-family: 'Noto Sans', 'DejaVu Sans', sans-serif;
                 font-size: {theme.body_px}px; }}
    header {{ height: 110px; background: {theme.surface}; color: {theme.primary};
              font-size: 36px; display: flex; align-items: center; padding: 0 40px; }}
    main {{ display: flex; gap: 40px; padding: 20px 40px; height: 780px; }}
    figure {{ flex: 2; margin: 0; }} figure img {{ width: 100%; height: 100%;
              object-fit: contain; }}
    article {{ flex: 3; overflow: hidden; }} h1 {{ color: {theme.primary}; }}
    nav {{ display: flex; justify-content: space-between; padding: 0 40px; }}
    nav span {{ background: {theme.primary}; color: {theme.on_primary}; padding: 20px 60px;
                border-radius: 16px; }}
    {document_css(theme, metrics)}
    </style></head><body>
    <header>Maple Street Chiropractic &amp; Massage</header>
    <main><figure><img src="{section.image.as_uri()}" alt="{section.image_alt}"></figure>
    <article><h1>{section.title}</h1>{section.html}</article></main>
    <nav><span>Back</span><span>Next</span></nav></body></html>"""
    path = folder / "section.html"
    path.write_text(html, encoding="utf-8")
    return path


def time_qt(mode: str, env: dict[str, str], data: Path) -> tuple[float, float, float]:
    """(seconds to the first paint, seconds to exit, CPU seconds to the first paint) of one
    fresh Qt process."""
    command = [sys.executable, str(CHILD), mode, str(data)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, env=env)
    assert process.stdout is not None
    painted = None
    cpu = 0.0
    for line in process.stdout:
        if line.strip() == "painted":
            painted = time.perf_counter() - start
        elif line.startswith("cpu "):
            cpu = float(line.split()[1])
    code = process.wait(timeout=120)
    ended = time.perf_counter() - start
    if painted is None or code != 0:
        raise RuntimeError(f"{mode} exited with {code} before painting")
    return painted, ended, cpu


def time_chromium(chromium: str, page: Path, scratch: Path) -> float:
    profile = Path(tempfile.mkdtemp(prefix="profile-", dir=scratch))
    shot = profile / "shot.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    start = time.perf_counter()
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                    f"--screenshot={shot}", page.as_uri()], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    elapsed = time.perf_counter() - start
    if not shot.is_file():
        raise RuntimeError("chromium exited without writing its screenshot")
    shutil.rmtree(profile, ignore_errors=True)
    return elapsed


def main() -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--runs", type=int, default=11, help="warm starts of each")
    args_parser.add_argument("--cold-runs", type=int, default=5, help="cold starts of each")
    args_parser.add_argument("--no-install", action="store_true",
                             help="do not apt-get install chromium if it is missing")
    args = args_parser.parse_args()
    runs, cold_runs = (1, 1) if args.quick else (args.runs, args.cold_runs)
    chromium = ensure_chromium(install=not (args.quick or args.no_install))
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as scratch_name, \
            x_server() as display:
        scratch = Path(scratch_name)
        data = scratch / "data"  # kept between starts, like the kiosk's after a reboot
        env = qt_env()
        if display is not None:
            env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
            notes.append(f"Qt on Xvfb {display} (xcb) at 1920x1080")
        else:
            notes.append("Xvfb not installed: Qt on the offscreen platform at 1920x1080")
        page = section_page(scratch)
        programs: dict[str, object] = {
            "bare": lambda: time_qt("bare", env, data),
            "kiosk": lambda: time_qt("kiosk", env, data),
            "attract": lambda: time_qt("attract", env, data),
        }
        if chromium:
            programs["chromium"] = lambda: (0.0, time_chromium(chromium, page, scratch), 0.0)
        else:
            notes.append("chromium is not installed: the Chromium peer was skipped")

        cold: dict[str, list[tuple[float, float, float]]] = {name: [] for name in programs}
        dropping = not args.quick
        for _ in range(cold_runs):
            for name, measure in programs.items():
                if dropping:
                    dropping = drop_caches()
                cold[name].append(measure())  # type: ignore[operator]
        if args.quick:
            notes.append("--quick: one start each; page cache not dropped, so 'cold' is "
                         "only the first start")
        elif dropping:
            notes.append(f"cold: page cache dropped before each start ({cold_runs} each)")
        else:
            notes.append("cold: dropping the page cache was refused; cold is the first "
                         "start in this run")
            cold = {name: values[:1] for name, values in cold.items()}
        warm: dict[str, list[tuple[float, float, float]]] = {name: [] for name in programs}
        for measure in programs.values():
            measure()  # type: ignore[operator]  # warms the cache; not counted
        for _ in range(runs):
            for name, measure in programs.items():
                warm[name].append(measure())  # type: ignore[operator]

    for name, what in (("attract", "start screen"), ("kiosk", "section")):
        # Each round starts every program once, so a round's ratio shares its moment's load.
        ratios = sorted(k[0] / b[0] for k, b in zip(warm[name], warm["bare"], strict=True))
        notes.append(f"warm {what} / bare window, per round: {ratios[0]:.2f}-{ratios[-1]:.2f}x "
                     f"(median {median(ratios):.2f}x over {len(ratios)})")
        cpu = median([k[2] for k in warm[name]]) / median([b[2] for b in warm["bare"]])
        notes.append(f"warm {what}: CPU time to the first paint {cpu:.2f}x the bare window's "
                     f"(median {median([k[2] for k in warm[name]]) * 1000:.0f} ms vs "
                     f"{median([b[2] for b in warm['bare']]) * 1000:.0f} ms; little moved by "
                     "other processes on the cores)")
    rows = []
    for label, series in (("warm", warm), ("cold", cold)):
        def med(name: str, which: int,
                series: dict[str, list[tuple[float, float, float]]] = series
                ) -> float:
            return median([v[which] for v in series[name]]) * 1000

        kiosk_paint, bare_paint = med("kiosk", 0), med("bare", 0)
        attract_paint = med("attract", 0)
        rows.append(Row(f"start-up to first painted start screen, {label}", attract_paint,
                        "ms", bare_paint, "bare PySide6 window", "<= 1.3x",
                        attract_paint <= 1.3 * bare_paint))
        rows.append(Row(f"start-up to first painted section, {label}", kiosk_paint, "ms",
                        bare_paint, "bare PySide6 window", "<= 2x",
                        kiosk_paint <= 2 * bare_paint))
        if "chromium" in series:
            kiosk_exit, chrome_exit = med("kiosk", 1), med("chromium", 1)
            rows.append(Row(f"start-up, start to exit after first paint, {label}",
                            kiosk_exit, "ms", chrome_exit, "headless Chromium", "< 1.0x",
                            kiosk_exit < chrome_exit))
    emit("Start-up", rows, args.json, notes)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
