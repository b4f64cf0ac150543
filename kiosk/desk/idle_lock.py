"""When the desk locks itself: after ``lock_after_s`` without a key press or a click.

A rule on a clock (a plain function, so tests move time instead of sleeping); the window
tells it about activity and asks it on a timer.
"""

from __future__ import annotations

import time
from collections.abc import Callable

DEFAULT_LOCK_AFTER_S = 5 * 60.0


class IdleLock:
    def __init__(self, lock_after_s: float = DEFAULT_LOCK_AFTER_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if lock_after_s <= 0:
            raise ValueError("lock_after_s must be more than 0")
        self.lock_after_s = lock_after_s
        self._clock = clock
        self._last = clock()

    def touch(self) -> None:
        """Someone used the desk just now."""
        self._last = self._clock()

    def remaining(self) -> float:
        return max(0.0, self.lock_after_s - (self._clock() - self._last))

    def due(self) -> bool:
        return self.remaining() <= 0.0
