"""The real kiosk program speaks sd_notify to a socket bound here, as systemd's would be."""

from __future__ import annotations

import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import WAIT_S

WATCHDOG_USEC = 400_000  # a ping every 200 ms


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[socket.socket]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind(str(tmp_path / "notify"))
        s.settimeout(WAIT_S)
        yield s


def receive(s: socket.socket) -> str:
    return s.recv(4096).decode()


def drain(s: socket.socket) -> list[str]:
    """Every datagram already queued, without waiting for more."""
    s.setblocking(False)
    received = []
    try:
        while True:
            received.append(s.recv(4096).decode())
    except BlockingIOError:
        return received


def test_the_kiosk_says_ready_pings_and_a_stopped_one_goes_quiet(make_screen, start_kiosk,
                                                                 notify_socket, monkeypatch):
    # The X server first: Xvfb and Xorg send their own READY=1 when they see NOTIFY_SOCKET.
    screen = make_screen(1920, 1080)
    monkeypatch.setenv("NOTIFY_SOCKET", notify_socket.getsockname())
    monkeypatch.setenv("WATCHDOG_USEC", str(WATCHDOG_USEC))
    kiosk = start_kiosk(screen)
    ready = receive(notify_socket).split("\n")
    assert ready[:2] == ["READY=1", f"MAINPID={kiosk.process.pid}"]
    assert ready[2].startswith("STATUS=log: ")
    assert ready[2].endswith("kiosk.log")
    for _ in range(3):
        assert receive(notify_socket) == "WATCHDOG=1"

    # A frozen kiosk (here: stopped by a signal) sends nothing for many ping intervals.
    kiosk.process.send_signal(signal.SIGSTOP)
    try:
        drain(notify_socket)  # what was sent before the stop took effect
        notify_socket.settimeout(5 * WATCHDOG_USEC / 2 / 1e6)
        with pytest.raises(TimeoutError):
            notify_socket.recv(4096)
    finally:
        kiosk.process.send_signal(signal.SIGCONT)
    notify_socket.settimeout(WAIT_S)
    assert receive(notify_socket) == "WATCHDOG=1"

    # systemd's stop: the kiosk says it is stopping, then exits 0 (checked by start_kiosk).
    kiosk.stop()
    assert drain(notify_socket)[-1] == "STOPPING=1"
    assert kiosk.process.wait(timeout=WAIT_S) == 0
