"""Pending verification attempts in memory: for tests and single-process development (several
processes need a shared store)."""

from __future__ import annotations

import threading

from application.ports.identity import VerificationAttempt

__all__ = ["MemoryAttempts"]


class MemoryAttempts:
    """Thread-safe; `take` returns an attempt once. Nothing expires here: the provider refuses
    an attempt older than its maximum age when it is taken."""

    def __init__(self) -> None:
        self._attempts: dict[str, VerificationAttempt] = {}
        self._lock = threading.Lock()

    def save(self, attempt: VerificationAttempt) -> None:
        with self._lock:
            if attempt.state in self._attempts:
                raise ValueError("an attempt with this state is already pending")
            self._attempts[attempt.state] = attempt

    def take(self, state: str) -> VerificationAttempt | None:
        with self._lock:
            return self._attempts.pop(state, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._attempts)
