"""Pacing for LINE's rate limits: a token bucket that halves its rate on a 429 (LINE sends no
Retry-After) and creeps back up while requests succeed (additive increase, multiplicative
decrease). Shared by every thread that sends through one channel."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["AdaptivePacer"]


class AdaptivePacer:
    def __init__(self, *, max_rate: float, min_rate: float = 5.0, increase: float | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.max_rate = max_rate
        self.min_rate = min(min_rate, max_rate)
        self.rate = max_rate
        self._increase = increase if increase is not None else max(max_rate / 100, 1.0)
        self._clock, self._sleep = clock, sleep
        self._next_free = clock()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Wait for this sender's turn at the current rate."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next_free)
            self._next_free = start + 1.0 / self.rate
        if start > now:
            self._sleep(start - now)

    def throttled(self) -> None:
        """LINE answered 429: halve the rate."""
        with self._lock:
            self.rate = max(self.min_rate, self.rate / 2)

    def succeeded(self) -> None:
        with self._lock:
            if self.rate < self.max_rate:
                self.rate = min(self.max_rate, self.rate + self._increase)
