"""`RowSpool` on a temporary file (ADR 0084): the registry import's prepared rows between its
two passes, sealed.

A prepared row carries a person's name, address and date of birth as plain values (a known
person is compared with them), so the file holds nothing readable: each chunk is pickled and
sealed with AES-GCM where it is prepared (in a worker process), under a key made for this spool
alone and kept only in memory (this process's and its workers'). The file has no name
(unlinked as it is made), so it is gone when the spool is closed or its process ends, however
it ends. A chunk whose bytes changed on disk does not open and fails loudly before anything is
unpickled; whole chunks are not bound to their place (whoever could swap them, the process's
own user, could read the key from its memory as well)."""

from __future__ import annotations

import functools
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import IO, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import DomainError

__all__ = ["SealedFileSpool", "SpoolUnwritable"]

_NONCE = 12
_LENGTH = 8  # bytes of each chunk's length before it


class SpoolUnwritable(DomainError):
    """The temporary file cannot be made or written (a full or unwritable `TMPDIR`): the
    import stops in its first pass, before anything is written."""

    code = "spool_unwritable"

    def __init__(self) -> None:
        super().__init__("ファイルではなくサーバーの問題です: 取り込みの作業用の一時ファイルを"
                         "書けません（一時ディレクトリ TMPDIR の空き容量と書き込みの権限を"
                         "確かめてください）。")


def _seal(key: bytes, chunk: list[Any]) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(key).encrypt(nonce, pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL), None)


def _open(key: bytes, sealed: bytes) -> list[Any]:
    # authenticated first: only what this spool sealed is unpickled
    data = AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], None)
    chunk: list[Any] = pickle.loads(data)
    return chunk


class SealedFileSpool:
    """`directory`: where the temporary file is made (default: the system's, `TMPDIR`)."""

    def __init__(self, directory: str | None = None) -> None:
        self._key = AESGCM.generate_key(bit_length=128)
        try:
            self._file: IO[bytes] = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115
        except OSError:
            raise SpoolUnwritable() from None
        self._count = 0

    def packer(self) -> Callable[[list[Any]], bytes]:
        return functools.partial(_seal, self._key)

    def add(self, packed: bytes) -> None:
        try:
            self._file.seek(0, os.SEEK_END)  # after the others, also when a reading stopped early
            self._file.write(len(packed).to_bytes(_LENGTH, "little") + packed)
            self._file.flush()  # a full disk is found here, not while the rows are written
        except OSError:
            raise SpoolUnwritable() from None
        self._count += 1

    def chunks(self) -> Iterator[list[Any]]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._count):
            length = int.from_bytes(self._file.read(_LENGTH), "little")
            yield _open(self._key, self._file.read(length))

    def __enter__(self) -> SealedFileSpool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._file.close()
