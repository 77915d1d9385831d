"""Ports for signing staff in: their sign-in state, and one-time codes (TOTP)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from domain.staff_sign_in import StaffSignIn

__all__ = ["OneTimeCodes", "StaffSignInRepository"]


class StaffSignInRepository(Protocol):
    def add(self, sign_in: StaffSignIn) -> None: ...
    def get(self, staff_id: str) -> StaffSignIn | None: ...


class OneTimeCodes(Protocol):
    """Time-based one-time passwords (RFC 6238), as authenticator apps show them."""

    def new_secret(self) -> str: ...

    def provisioning_uri(self, secret: str, *, account: str, issuer: str) -> str:
        """The otpauth:// URI an authenticator app reads (as text or a QR code)."""
        ...

    def matching_step(self, secret: str, code: str, *, at: dt.datetime) -> int | None:
        """The time step whose code equals `code` (the current one or its neighbours), or None."""
        ...
