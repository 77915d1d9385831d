"""The backup file's envelope: a header anyone can read (what the backup is, never a key), then
the payload encrypted with a key derived from a passphrase.

Layout: `MADOGUCHI-BACKUP\n`, the header's length (4 bytes, big-endian), the header (JSON), then
chunks, each its length (4 bytes) and AES-256-GCM ciphertext of up to 1 MiB of payload. The key
is scrypt(passphrase, a random salt); a second derived key signs a check value in the header, so
a wrong passphrase is told apart from a damaged file. Each chunk's nonce is its number and its
associated data is the whole header, the number and whether it is the last chunk: a changed
header, a changed, dropped, reordered or appended chunk, or a cut file is refused. A large
database is streamed through in chunks, never held in memory."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
from collections.abc import Mapping
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["FORMAT", "BackupDamaged", "SealedReader", "SealedWriter", "WrongPassphrase",
           "read_header"]

MAGIC = b"MADOGUCHI-BACKUP\n"
FORMAT = 1
CHUNK = 1 << 20
_SCRYPT = {"n": 1 << 15, "r": 8, "p": 1}
_CHECK = b"madoguchi backup passphrase check"
_LENGTH = struct.Struct(">I")
_MAX_HEADER = 64 * 1024


class BackupDamaged(Exception):
    """The file is not a Madoguchi backup, or it was changed or cut after it was written."""


class WrongPassphrase(Exception):
    """The passphrase does not open this backup."""


def _keys(passphrase: str, salt: bytes, kdf: Mapping[str, Any]) -> tuple[bytes, bytes]:
    derived = hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=int(kdf["n"]),
                             r=int(kdf["r"]), p=int(kdf["p"]), maxmem=128 * 1024 * 1024,
                             dklen=64)
    return derived[:32], derived[32:]


def _associated(header: bytes, number: int, last: bool) -> bytes:
    return header + struct.pack(">Q?", number, last)


def _nonce(number: int) -> bytes:
    return number.to_bytes(12, "big")


class SealedWriter:
    """A write-only stream: `write` the payload, then `finish()` (which seals the last chunk).
    The header's `facts` are written in the clear."""

    def __init__(self, target: IO[bytes], passphrase: str, facts: Mapping[str, Any]) -> None:
        salt = os.urandom(16)
        key, check_key = _keys(passphrase, salt, _SCRYPT)
        header = {"format": FORMAT, **facts,
                  "kdf": {"name": "scrypt", **_SCRYPT,
                          "salt": base64.b64encode(salt).decode("ascii")},
                  "cipher": "AES-256-GCM", "chunk": CHUNK,
                  "check": hmac.new(check_key, _CHECK, "sha256").hexdigest()}
        self._header = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
        self._aead = AESGCM(key)
        self._target = target
        self._buffer = bytearray()
        self._number = 0
        target.write(MAGIC + _LENGTH.pack(len(self._header)) + self._header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._number), plain,
                                    _associated(self._header, self._number, last))
        self._target.write(_LENGTH.pack(len(sealed)) + sealed)
        self._number += 1


def _read_exactly(source: IO[bytes], size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise BackupDamaged("the backup file is cut short")
    return data


def _read_raw_header(source: IO[bytes]) -> bytes:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupDamaged("this is not a Madoguchi backup file")
    (size,) = _LENGTH.unpack(_read_exactly(source, _LENGTH.size))
    if size > _MAX_HEADER:
        raise BackupDamaged("the backup file's header is damaged")
    return _read_exactly(source, size)


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw)
    except ValueError:
        raise BackupDamaged("the backup file's header is damaged") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupDamaged(f"the backup file's format is not {FORMAT} (made by another "
                            "version of Madoguchi?)")
    return header


def read_header(source: IO[bytes]) -> dict[str, Any]:
    """What the backup says about itself, without the passphrase."""
    return _parse(_read_raw_header(source))


class SealedReader:
    """A read-only stream of the payload. The passphrase is checked when it is opened; each
    chunk is authenticated before a byte of it is returned, and the end of the file must be the
    sealed last chunk."""

    def __init__(self, source: IO[bytes], passphrase: str) -> None:
        self._raw = _read_raw_header(source)
        self.header = _parse(self._raw)
        try:
            kdf = self.header["kdf"]
            salt = base64.b64decode(kdf["salt"])
            key, check_key = _keys(passphrase, salt, kdf)
            check = str(self.header["check"])
        except (KeyError, TypeError, ValueError):
            raise BackupDamaged("the backup file's header is damaged") from None
        if not hmac.compare_digest(hmac.new(check_key, _CHECK, "sha256").hexdigest(), check):
            raise WrongPassphrase("the passphrase does not open this backup")
        self._aead = AESGCM(key)
        self._source = source
        self._buffer = b""
        self._number = 0
        self._ended = False

    def read(self, size: int = -1) -> bytes:
        while not self._ended and (size < 0 or len(self._buffer) < size):
            self._buffer += self._open_next()
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _open_next(self) -> bytes:
        prefix = self._source.read(_LENGTH.size)
        if len(prefix) != _LENGTH.size:
            raise BackupDamaged("the backup file is cut short")
        (size,) = _LENGTH.unpack(prefix)
        if size > CHUNK + 16:
            raise BackupDamaged("the backup file was changed after it was written")
        sealed = _read_exactly(self._source, size)
        for last in (False, True):
            try:
                plain = self._aead.decrypt(_nonce(self._number), sealed,
                                           _associated(self._raw, self._number, last))
            except InvalidTag:
                continue
            self._number += 1
            if last:
                self._ended = True
                if self._source.read(1):
                    raise BackupDamaged("the backup file has data after its end")
            return plain
        raise BackupDamaged("the backup file was changed after it was written")
