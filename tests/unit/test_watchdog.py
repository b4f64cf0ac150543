"""The sd_notify client against real AF_UNIX datagram sockets, as systemd would bind them."""

import logging
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.watchdog import Notifier

TIMEOUT_S = float(os.environ.get("KIOSK_TEST_WAIT_MS", "5000")) / 1000


@pytest.fixture
def manager(tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    """A datagram socket standing in for systemd's notify socket, bound in tmp_path."""
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind(str(path))
        s.settimeout(TIMEOUT_S)
        yield str(path), s


def receive(s: socket.socket) -> list[str]:
    return s.recv(4096).decode().split("\n")


def test_ready_names_this_process_and_carries_a_status(manager):
    address, s = manager
    notifier = Notifier(address)
    assert notifier.ready("log: /var/log/kiosk.log")
    assert receive(s) == ["READY=1", f"MAINPID={os.getpid()}", "STATUS=log: /var/log/kiosk.log"]
    assert notifier.ping()
    assert receive(s) == ["WATCHDOG=1"]
    assert notifier.stopping()
    assert receive(s) == ["STOPPING=1"]


def test_an_abstract_socket_address_starts_with_at():
    name = f"kiosk-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind(b"\0" + name.encode())
        s.settimeout(TIMEOUT_S)
        notifier = Notifier.from_environ({"NOTIFY_SOCKET": f"@{name}"})
        assert notifier.ping()
        assert receive(s) == ["WATCHDOG=1"]


def test_without_systemd_everything_is_a_quiet_no_op(caplog):
    notifier = Notifier.from_environ({})
    assert not notifier.enabled
    assert notifier.ping_interval_ms is None
    with caplog.at_level(logging.DEBUG):
        assert not notifier.ready()
        assert not notifier.ping()
    assert caplog.records == []


def test_pings_come_at_half_the_watchdog_time(manager):
    address, _ = manager
    env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "30000000"}
    assert Notifier.from_environ(env).ping_interval_ms == 15_000
    # No watchdog in the unit: READY still goes, pings do not.
    assert Notifier.from_environ({"NOTIFY_SOCKET": address}).ping_interval_ms is None
    assert Notifier.from_environ({**env, "WATCHDOG_USEC": "junk"}).ping_interval_ms is None
    assert Notifier.from_environ({**env, "WATCHDOG_USEC": "0"}).ping_interval_ms is None
    # WATCHDOG_USEC without a socket cannot be honoured.
    assert Notifier.from_environ({"WATCHDOG_USEC": "30000000"}).ping_interval_ms is None


@pytest.mark.parametrize(("watched", "expected"), [
    ("100", 15_000),   # the kiosk is the unit's main process
    ("50", 15_000),    # its parent is (cage, xinit)
    ("7", None),       # some other process inherited the variables
])
def test_the_watchdog_is_ours_only_if_systemd_watches_us_or_our_parent(manager, watched,
                                                                       expected):
    address, _ = manager
    env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": watched}
    notifier = Notifier.from_environ(env, pid=100, parent_pid=50)
    assert notifier.ping_interval_ms == expected


@pytest.mark.expect_log("kiosk.watchdog", r"cannot reach the service manager")
def test_a_vanished_manager_is_logged_once_and_the_kiosk_goes_on(manager, caplog):
    address, s = manager
    notifier = Notifier(address)
    s.close()
    Path(address).unlink()
    with caplog.at_level(logging.INFO):
        assert not notifier.ping()
        assert not notifier.ping()
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as again:
        again.bind(address)
        again.settimeout(TIMEOUT_S)
        with caplog.at_level(logging.INFO):
            assert notifier.ping()
        assert receive(again) == ["WATCHDOG=1"]
    assert "answers again" in caplog.records[-1].getMessage()
