"""Ports for signing staff in: their sign-in state, and one-time codes (TOTP)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from domain.staff_sign_in import StaffSignIn

__all__ = ["OneTimeCodes", "StaffSignInRepository"]


class StaffSignInRepository(Protocol):
    """Besides loading and saving, the counting that parallel attempts must not race on: each
    is one conditional statement, so two requests never both read the same count."""

    def add(self, sign_in: StaffSignIn) -> None: ...
    def get(self, staff_id: str) -> StaffSignIn | None: ...

    def ensure(self, staff_id: str) -> None:
        """Make the staff member's sign-in state if there is none (safe when two requests
        make it at once)."""
        ...

    def claim_attempt(self, staff_id: str, now: dt.datetime) -> StaffSignIn | None:
        """Count one attempt before its password or code is checked, unless the account is
        locked (then None); the count that reaches `MAX_FAILED_ATTEMPTS` locks the account.
        Returns the state as counted."""
        ...

    def give_back_attempt(self, staff_id: str) -> None:
        """The attempt was right after all (a password before its code): uncount it, and the
        lock it may have made."""
        ...

    def use_code_step(self, staff_id: str, step: int) -> bool:
        """Mark a one-time code's time step used; False when it (or a later one) already was."""
        ...


class OneTimeCodes(Protocol):
    """Time-based one-time passwords (RFC 6238), as authenticator apps show them."""

    def new_secret(self) -> str: ...

    def provisioning_uri(self, secret: str, *, account: str, issuer: str) -> str:
        """The otpauth:// URI an authenticator app reads (as text or a QR code)."""
        ...

    def matching_step(self, secret: str, code: str, *, at: dt.datetime) -> int | None:
        """The time step whose code equals `code` (the current one or its neighbours), or None."""
        ...
