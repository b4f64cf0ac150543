"""Keep what the kiosk holds in memory out of core files and away from other processes.

The staff panel holds decrypted names and, briefly, the passphrase; Python cannot wipe
them (see docs/security.md). A core dump would copy all of it to disk: the systemd watchdog
ends a frozen kiosk with SIGABRT, which dumps core by default. So at start-up, before any
secret is read:
- ``RLIMIT_CORE`` is set to 0 (soft and hard, so nothing later can raise it again);
- on Linux, ``prctl(PR_SET_DUMPABLE, 0)``: no core even through a ``|program`` core
  pattern (which ignores RLIMIT_CORE), and other processes of the same user can no longer
  attach a debugger or read this one's memory through /proc.
Python's own stack dump on a crash (faulthandler, to the journal) still works. Qt-free.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys

log = logging.getLogger(__name__)

PR_GET_DUMPABLE = 3
PR_SET_DUMPABLE = 4


def _prctl(option: int, value: int = 0) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    result = int(libc.prctl(option, value, 0, 0, 0))
    if result < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return result


def forbid_core_dumps() -> list[str]:
    """Turn core dumps off for this process; return what could not be done (also logged)."""
    problems = []
    if sys.platform != "win32":
        import resource

        try:
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        except (ValueError, OSError) as e:
            problems.append(f"cannot set RLIMIT_CORE to 0: {e}")
    if sys.platform.startswith("linux"):
        try:
            _prctl(PR_SET_DUMPABLE, 0)
        except (OSError, AttributeError) as e:
            problems.append(f"cannot make the process non-dumpable: {e}")
    for problem in problems:
        log.warning("%s; a crash could write sign-ups to disk", problem)
    return problems


def is_dumpable() -> bool | None:
    """What the kernel says (Linux); None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    return _prctl(PR_GET_DUMPABLE) != 0
