"""A staff member's sign-in state: failed attempts, lock-out and the optional second factor
(TOTP, ワンタイムパスワード). Kept apart from `StaffMember` so that signing in never rewrites the
account itself."""

from __future__ import annotations

import datetime as dt

from attrs import define

__all__ = ["LOCK_DURATION", "MAX_FAILED_ATTEMPTS", "StaffSignIn"]

MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = dt.timedelta(minutes=15)


@define(slots=False, eq=False)
class StaffSignIn:
    staff_id: str
    failed_attempts: int = 0
    locked_until: dt.datetime | None = None
    totp_secret: str | None = None  # set once the staff member confirmed a first code
    totp_last_step: int | None = None  # a code is accepted once (no replay)
    last_sign_in_at: dt.datetime | None = None

    @property
    def id(self) -> str:
        return self.staff_id

    @property
    def uses_totp(self) -> bool:
        return self.totp_secret is not None

    def is_locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def record_failure(self, now: dt.datetime) -> bool:
        """Count a wrong password or code; returns True when this failure locks the account."""
        if self.locked_until is not None and now >= self.locked_until:
            self.failed_attempts, self.locked_until = 0, None
        self.failed_attempts += 1
        if self.failed_attempts >= MAX_FAILED_ATTEMPTS:
            self.locked_until = now + LOCK_DURATION
            return True
        return False

    def record_success(self, now: dt.datetime) -> None:
        self.failed_attempts, self.locked_until = 0, None
        self.last_sign_in_at = now

    def accept_code_step(self, step: int) -> bool:
        """A TOTP code's time step is used at most once; returns False for a replay."""
        if self.totp_last_step is not None and step <= self.totp_last_step:
            return False
        self.totp_last_step = step
        return True

    def enable_totp(self, secret: str, step: int) -> None:
        self.totp_secret, self.totp_last_step = secret, step

    def disable_totp(self) -> None:
        self.totp_secret, self.totp_last_step = None, None
