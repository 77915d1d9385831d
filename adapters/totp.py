"""One-time codes (TOTP, RFC 6238) with pyotp: 6 digits, 30-second steps, one step of drift
either way."""

from __future__ import annotations

import datetime as dt

import pyotp

__all__ = ["PyOtpCodes"]


class PyOtpCodes:
    def __init__(self, *, interval: int = 30, drift_steps: int = 1) -> None:
        self._interval, self._drift = interval, drift_steps

    def new_secret(self) -> str:
        return pyotp.random_base32()

    def provisioning_uri(self, secret: str, *, account: str, issuer: str) -> str:
        return pyotp.TOTP(secret, interval=self._interval).provisioning_uri(
            name=account, issuer_name=issuer)

    def matching_step(self, secret: str, code: str, *, at: dt.datetime) -> int | None:
        totp = pyotp.TOTP(secret, interval=self._interval)
        step = totp.timecode(at)
        for candidate in range(step - self._drift, step + self._drift + 1):
            if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
                return candidate
        return None
