"""Whether Qt will find a screen, asked before Qt is imported."""

from __future__ import annotations

import sys
from collections.abc import Mapping


def display_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why Qt will find no screen to open the kiosk on, or None.

    Without this, Qt's xcb plugin fails with "xcb-cursor0 is needed... reinstalling may fix
    this" and aborts with a crash dump, while the cause is only that this terminal belongs
    to no desktop session (ssh, a text console). Platforms that need no display server
    (offscreen, eglfs, linuxfb, vnc...) are left to Qt.
    """
    if not platform.startswith("linux"):
        return None
    # QT_QPA_PLATFORM may be "offscreen:configfile=...", or a list to try: "wayland;xcb".
    wanted = [part.split(":", 1)[0] for part in environ.get("QT_QPA_PLATFORM", "").split(";")]
    has_x = bool(environ.get("DISPLAY"))
    has_wayland = bool(environ.get("WAYLAND_DISPLAY") or environ.get("WAYLAND_SOCKET"))
    for name in wanted:
        if name == "" and (has_x or has_wayland):
            return None
        if name == "xcb" and has_x:
            return None
        if name.startswith("wayland") and has_wayland:
            return None
        if name not in ("", "xcb") and not name.startswith("wayland"):
            return None
    return ("no display to show the kiosk on (DISPLAY and WAYLAND_DISPLAY are not set): "
            "start it from a desktop session, or install it as this machine's kiosk with "
            "scripts/install-kiosk (see README.md)")
