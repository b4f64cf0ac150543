"""When a changed content folder may be taken: once it has stayed exactly the same a while.

A slow copy (a share, a USB stick) writes a page in pieces with pauses between them; each
piece leaves a folder that is quiet for a moment and may even check out (a page cut after a
paragraph is still a page). Quiet is not finished. A version is taken only once the same
fingerprint (every file's name, size and change time) has been seen for ``settle_s``; each
change starts the wait again. ``kiosk publish`` swaps a whole checked folder in at once for
changes that must not wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable


class Settler:
    def __init__(self, settle_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._settle_s = settle_s
        self._clock = clock
        self._seen: Hashable | None = None
        self._since = 0.0

    def wait_s(self, fingerprint: Hashable) -> float:
        """Seconds ``fingerprint`` must still stay unchanged before it may be taken; 0 when
        it has been seen unchanged for the whole settle time."""
        now = self._clock()
        if fingerprint != self._seen:
            self._seen = fingerprint
            self._since = now
        return max(0.0, self._since + self._settle_s - now)
