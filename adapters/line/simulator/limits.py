"""Rate limits and injected faults.

LINE limits each channel per second (push and reply 2,000 requests/s, multicast 200) and answers
429 with no Retry-After. A sliding one-second window is the strictest reading: at most `rate`
requests in any second, so a client that passes here passes there. A refused request does not
take a place in the window.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from enum import Enum

from attrs import frozen

__all__ = ["Fault", "FaultInjector", "Faults", "SlidingWindowLimiter"]


class SlidingWindowLimiter:
    def __init__(self, rate: int, *, window: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1:
            raise ValueError("a rate limit needs at least one request per window")
        self.rate, self.window = rate, window
        self._clock = clock
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            now = self._clock()
            while self._times and self._times[0] <= now - self.window:
                self._times.popleft()
            if len(self._times) >= self.rate:
                return False
            self._times.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._times.clear()


class Fault(Enum):
    NONE = "none"
    BEFORE_RECORDING = "before_recording"  # 500, nothing delivered: retry with the same key
    AFTER_RECORDING = "after_recording"  # delivered but the answer was "lost": the retry gets 409


@frozen
class Faults:
    error_rate: float = 0.0
    lost_response_rate: float = 0.0
    status: int = 500
    seed: int | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("error_rate", "lost_response_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.error_rate + self.lost_response_rate > 1.0:
            raise ValueError("error_rate + lost_response_rate must not exceed 1")
        if not 500 <= self.status <= 599:
            raise ValueError("status must be a 5xx code")

    def to_json(self) -> dict[str, float | int | None]:
        return {"error_rate": self.error_rate, "lost_response_rate": self.lost_response_rate,
                "status": self.status, "seed": self.seed}


class FaultInjector:
    """Draws, per push or multicast request, whether it fails (seeded, so runs repeat)."""

    def __init__(self, faults: Faults) -> None:
        self._lock = threading.Lock()
        self.configure(faults)

    @property
    def faults(self) -> Faults:
        return self._faults

    def configure(self, faults: Faults) -> None:
        with self._lock:
            self._faults = faults
            self._random = random.Random(faults.seed)

    def draw(self) -> Fault:
        faults = self._faults
        if not faults.error_rate and not faults.lost_response_rate:
            return Fault.NONE
        with self._lock:
            roll = self._random.random()
        if roll < faults.error_rate:
            return Fault.BEFORE_RECORDING
        if roll < faults.error_rate + faults.lost_response_rate:
            return Fault.AFTER_RECORDING
        return Fault.NONE
