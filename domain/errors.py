"""Domain errors. Each carries a stable code (for APIs and logs) and a Japanese message."""

from __future__ import annotations

__all__ = [
    "DomainError",
    "IllegalTransition",
    "InvalidValue",
    "InvariantViolated",
    "NotAllowed",
    "NotFound",
]


class DomainError(Exception):
    """Something a person asked for cannot be done. `message` is what they read."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidValue(DomainError):
    """A value object refused its input (an account number of 6 digits, a negative amount)."""

    code = "invalid_value"


class IllegalTransition(DomainError):
    """A state machine was asked for a move it does not allow."""

    code = "illegal_transition"


class InvariantViolated(DomainError):
    """An aggregate would be left in a state its rules forbid."""

    code = "invariant_violated"


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the asker)."""

    code = "not_found"


class NotAllowed(DomainError):
    """The person acting does not hold the permission this needs (their role)."""

    code = "forbidden"
