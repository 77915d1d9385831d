"""Encryption at rest for personal data (the four facts, bank accounts).

Keys come from configuration, newest first; older keys still decrypt, so a key can be rotated by
putting a new key in front and re-encrypting (`madoguchi keys rotate`). Fernet gives AES-128-CBC
with an HMAC-SHA256, so a tampered value is refused rather than misread.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["DecryptionFailed", "FieldCipher", "new_key"]


class DecryptionFailed(Exception):
    """A stored value could not be decrypted with any configured key."""


def new_key() -> str:
    return Fernet.generate_key().decode()


class FieldCipher:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one data key is needed (MADOGUCHI_DATA_KEYS)")
        self._keys = tuple(keys)
        try:
            self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        except (ValueError, TypeError) as error:
            raise ValueError("a data key is not a valid Fernet key (32 url-safe base64 bytes)") \
                from error

    def __reduce__(self) -> tuple[type[FieldCipher], tuple[tuple[str, ...]]]:
        """Pickled as its keys: the registry import's worker processes seal the facts they
        prepare (ADR 0080); the keys go no further than the pipe to them."""
        return FieldCipher, (self._keys,)

    def encrypt(self, plaintext: bytes) -> str:
        return self._fernet.encrypt(plaintext).decode("ascii")

    def decrypt(self, token: str) -> bytes:
        try:
            return self._fernet.decrypt(token.encode("ascii"))
        except InvalidToken:
            raise DecryptionFailed("stored value cannot be decrypted with the configured keys") \
                from None

    def rotate(self, token: str) -> str:
        """The same plaintext, encrypted with the newest key."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise DecryptionFailed("stored value cannot be decrypted with the configured keys") \
                from None
