"""Tell systemd the kiosk is up and still answering (the sd_notify protocol), Qt-free.

systemd hands a service ``$NOTIFY_SOCKET`` (a datagram socket; a leading ``@`` means the
abstract namespace) and, with ``WatchdogSec=``, ``$WATCHDOG_USEC``. The service sends
``READY=1`` once it is up and then ``WATCHDOG=1`` more often than that; when the pings stop,
systemd kills and restarts it. Outside systemd nothing is set and every call does nothing.

Why not a library: ``sdnotify`` (last release 0.3.2) still carries Python 2 code, swallows
every error with a bare ``except`` and ignores ``$WATCHDOG_USEC``; ``systemd-python`` needs
libsystemd's headers and a compiler to install. The protocol is one datagram.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


def _address(value: str) -> str | bytes:
    if value.startswith("@"):
        # Linux abstract socket: a NUL byte instead of the '@', no file behind it.
        return b"\0" + value[1:].encode()
    return value


class Notifier:
    """Send state lines to the service manager; a no-op when there is none."""

    def __init__(self, address: str | None, *, watchdog_usec: int | None = None) -> None:
        self.address = address or None
        # How often systemd wants a ping, or None when it watches nothing.
        self.watchdog_usec = watchdog_usec if address else None
        self._failed = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None, *,
                     pid: int | None = None, parent_pid: int | None = None) -> Notifier:
        env = os.environ if environ is None else environ
        return cls(env.get("NOTIFY_SOCKET"),
                   watchdog_usec=_watchdog_usec(env, pid or os.getpid(),
                                                parent_pid or os.getppid()))

    @property
    def enabled(self) -> bool:
        return self.address is not None

    @property
    def ping_interval_ms(self) -> int | None:
        """Half the watchdog time, as systemd's documentation advises; None if unwatched."""
        if self.watchdog_usec is None:
            return None
        return max(1, self.watchdog_usec // 2000)

    def notify(self, *lines: str) -> bool:
        """Send ``KEY=value`` lines in one datagram; True if the manager got it."""
        if self.address is None:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
                s.connect(_address(self.address))
                s.sendall("\n".join(lines).encode())
        except OSError as e:
            # Said once, not every few seconds for months; the kiosk itself keeps working.
            if not self._failed:
                log.error("cannot reach the service manager at %s: %s", self.address, e)
            self._failed = True
            return False
        if self._failed:
            log.info("the service manager at %s answers again", self.address)
        self._failed = False
        return True

    def ready(self, status: str = "") -> bool:
        # MAINPID: under cage or xinit the unit's own process is the display server; naming
        # the kiosk lets systemd send the watchdog's SIGABRT (a stack dump) to the kiosk.
        lines = ["READY=1", f"MAINPID={os.getpid()}"]
        if status:
            lines.append(f"STATUS={status}")
        return self.notify(*lines)

    def ping(self) -> bool:
        return self.notify("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")


def _watchdog_usec(env: Mapping[str, str], pid: int, parent_pid: int) -> int | None:
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if usec <= 0:
        return None
    watched = env.get("WATCHDOG_PID")
    # systemd names the unit's main process. The kiosk is that process, or its direct child
    # when the unit starts a display server (cage, xinit) that runs the kiosk; a pid further
    # away inherited the variables and is not the one being watched.
    if watched and watched not in (str(pid), str(parent_pid)):
        return None
    return usec
