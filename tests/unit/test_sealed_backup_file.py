"""The backup file's envelope: what the right passphrase opens, and every way a file that was
changed, cut or extended is refused, in memory."""

from __future__ import annotations

import io
import os
import struct

import pytest

from adapters.backup.sealed_file import (
    CHUNK,
    BackupDamaged,
    SealedReader,
    SealedWriter,
    WrongPassphrase,
    read_header,
)

pytestmark = pytest.mark.unit

PASSPHRASE = "a passphrase the town keeps apart"
PAYLOAD = os.urandom(2 * CHUNK + 12345)  # three chunks, the last one short


def sealed(payload: bytes = PAYLOAD) -> bytes:
    out = io.BytesIO()
    writer = SealedWriter(out, PASSPHRASE, {"database": "sqlite", "revision": "0012"})
    for start in range(0, len(payload), 100_000):  # written in pieces, as tar writes
        writer.write(payload[start:start + 100_000])
    writer.finish()
    return out.getvalue()


def opened(data: bytes, passphrase: str = PASSPHRASE) -> bytes:
    reader = SealedReader(io.BytesIO(data), passphrase)
    parts = []
    while part := reader.read(65536):
        parts.append(part)
    return b"".join(parts)


def chunks(data: bytes) -> tuple[bytes, list[bytes]]:
    """(the file's start up to the first chunk, each chunk with its length)"""
    (size,) = struct.unpack(">I", data[17:21])
    position = 21 + size
    head, found = data[:position], []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        found.append(data[position:position + 4 + length])
        position += 4 + length
    return head, found


@pytest.fixture(scope="module")
def backup_file() -> bytes:
    return sealed()


def test_the_right_passphrase_gives_back_the_payload_chunk_by_chunk(backup_file: bytes) -> None:
    assert opened(backup_file) == PAYLOAD
    assert len(chunks(backup_file)[1]) == 3
    assert opened(sealed(b"")) == b""


def test_the_header_says_what_the_backup_is_and_holds_no_key(backup_file: bytes) -> None:
    header = read_header(io.BytesIO(backup_file))
    assert header["format"] == 1 and header["database"] == "sqlite"
    assert header["revision"] == "0012" and header["cipher"] == "AES-256-GCM"
    assert PASSPHRASE not in backup_file.decode("latin-1")
    assert PAYLOAD[:64] not in backup_file


def test_a_wrong_passphrase_is_told_apart_from_a_damaged_file(backup_file: bytes) -> None:
    with pytest.raises(WrongPassphrase):
        SealedReader(io.BytesIO(backup_file), "not the passphrase at all")


@pytest.mark.parametrize("change", ["flip a byte", "drop a chunk", "swap chunks", "cut the end",
                                    "append a chunk", "append bytes", "change the header"])
def test_a_changed_cut_or_extended_file_is_refused(backup_file: bytes, change: str) -> None:
    head, parts = chunks(backup_file)
    if change == "flip a byte":
        middle = len(backup_file) // 2
        data = backup_file[:middle] + bytes([backup_file[middle] ^ 1]) + backup_file[middle + 1:]
    elif change == "drop a chunk":
        data = head + parts[0] + parts[2]
    elif change == "swap chunks":
        data = head + parts[1] + parts[0] + parts[2]
    elif change == "cut the end":
        data = head + parts[0] + parts[1]
    elif change == "append a chunk":
        data = backup_file + parts[2]
    elif change == "append bytes":
        data = backup_file + b"\x00"
    else:
        data = backup_file.replace(b'"revision": "0012"', b'"revision": "0011"')
        assert data != backup_file
    with pytest.raises(BackupDamaged):
        opened(data)


def test_a_file_that_is_not_a_backup_is_refused() -> None:
    with pytest.raises(BackupDamaged):
        SealedReader(io.BytesIO(b"SQLite format 3\x00" + bytes(100)), PASSPHRASE)
