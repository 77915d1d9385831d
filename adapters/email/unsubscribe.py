"""Unsubscribe links for non-essential mail (RFC 8058 one-click), that carry no address.

The token is the address encrypted and authenticated (Fernet, with a key derived from the
app's secret key): the URL reveals nothing to whoever sees it (a proxy log, a forwarded mail),
and a token that was altered or made up is refused. It does not expire: an unsubscribe link in
a year-old mail must still work (RFC 8058 asks that it keep working)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

__all__ = ["UnsubscribeLinks"]

PATH = "/mail/unsubscribe/"


class UnsubscribeLinks:
    def __init__(self, secret_key: str, public_url: str) -> None:
        derived = hashlib.sha256(b"madoguchi-mail-unsubscribe:" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))
        self._base = public_url.rstrip("/") + PATH

    def link_for(self, address: str) -> str:
        return self._base + self.token_for(address)

    def __call__(self, address: str) -> str:
        return self.link_for(address)

    def token_for(self, address: str) -> str:
        return self._fernet.encrypt(address.encode()).decode("ascii").rstrip("=")

    def address_of(self, token: str) -> str | None:
        """The address a token was made for; None when it was not made here."""
        padded = token + "=" * (-len(token) % 4)
        try:
            return self._fernet.decrypt(padded.encode("ascii")).decode()
        except (InvalidToken, UnicodeError, ValueError):
            return None
