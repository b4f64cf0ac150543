"""The real kiosk program on a real X server (Xvfb), tapped with xdotool."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("KIOSK_ARTIFACTS", ROOT / "artifacts")) / "e2e"
# Seconds to wait for the program to react; raise on a slow machine.
WAIT_S = float(os.environ.get("KIOSK_E2E_WAIT_S", "20"))
TOOLS = ("Xvfb", "xdotool", "import")


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    """Poll ``condition`` until it holds (like qtbot.waitUntil, for another process)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


@dataclass
class Screen:
    display: str
    width: int
    height: int

    def run(self, *args: str) -> str:
        env = {**os.environ, "DISPLAY": self.display}
        return subprocess.run(args, env=env, check=True, capture_output=True, text=True,
                              timeout=WAIT_S).stdout.strip()

    def tap(self, x: int, y: int) -> None:
        self.run("xdotool", "mousemove", str(x), str(y), "click", "1")

    def drag(self, x: int, y: int, dx: int, dy: int = 0) -> None:
        self.run("xdotool", "mousemove", str(x), str(y), "mousedown", "1")
        for step in range(1, 11):
            self.run("xdotool", "mousemove", str(x + dx * step // 10), str(y + dy * step // 10))
        self.run("xdotool", "mouseup", "1")

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.run("import", "-display", self.display, "-window", "root", str(path))
        return path


@pytest.fixture
def make_screen() -> Iterator[Callable[[int, int], Screen]]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {', '.join(missing)} (see scripts/test)")
        pytest.skip(f"needs {', '.join(missing)}")
    servers: list[subprocess.Popen[bytes]] = []

    def make(width: int, height: int) -> Screen:
        read, write = os.pipe()
        server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24",
             "-nolisten", "tcp", "-noreset"],
            pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        servers.append(server)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not start"
        return Screen(f":{number}", width, height)

    yield make
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


@dataclass
class Kiosk:
    process: subprocess.Popen[str]
    screen: Screen
    window: str
    map_file: Path

    def title(self) -> str:
        return self.screen.run("xdotool", "getwindowname", self.window)

    def wait_title(self, ending: str) -> None:
        wait_until(lambda: self.title().endswith(ending), f"the page '{ending}'")

    def widgets(self) -> dict[str, list[int]]:
        """Ask the kiosk where its visible fields and buttons are (ui/services/automation.py)."""
        self.map_file.unlink(missing_ok=True)
        self.process.send_signal(signal.SIGUSR1)
        wait_until(self.map_file.exists, "the kiosk's widget map")
        return json.loads(self.map_file.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def tap(self, name: str) -> None:
        """Tap the button or field ``name`` once it is on screen (the keyboard, say, shows a
        moment after its field is tapped), as a person waits for it."""
        found: dict[str, list[int]] = {}

        def shown() -> bool:
            found.update(self.widgets())
            return name in found

        wait_until(shown, f"'{name}' on screen")
        x, y, width, height = found[name]
        self.screen.tap(x + width // 2, y + height // 2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=WAIT_S)


@pytest.fixture
def start_kiosk(tmp_path: Path) -> Iterator[Callable[..., Kiosk]]:
    started: list[Kiosk] = []

    def start(screen: Screen, *args: str) -> Kiosk:
        map_file = tmp_path / f"widgets-{len(started)}.json"
        env = {**os.environ, "DISPLAY": screen.display, "QT_QPA_PLATFORM": "xcb",
               "KIOSK_DATA_DIR": str(tmp_path / "data"), "KIOSK_AUTOMATION_FILE": str(map_file)}
        process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        window = screen.run("timeout", str(WAIT_S), "xdotool", "search", "--sync",
                            "--onlyvisible", "--classname", "main.py").splitlines()[0]
        kiosk = Kiosk(process, screen, window, map_file)
        started.append(kiosk)
        return kiosk

    yield start
    for kiosk in started:
        if kiosk.process.poll() is None:
            kiosk.process.terminate()
        _out, err = kiosk.process.communicate(timeout=WAIT_S)
        assert "Traceback" not in err, err
        # SIGTERM (systemd's stop) ends the kiosk cleanly.
        assert kiosk.process.returncode == 0, err
