"""The spools that keep the registry import's prepared rows between its passes (ADR 0084)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from adapters.background.spooling import SealedFileSpool, SpoolUnwritable
from application.ports.row_spool import MemorySpool

pytestmark = pytest.mark.unit

CHUNKS = [[(2, "0001", "総社　花子", "中央一丁目1番1号", 724001)],
          [(3, "0002", "総社　太郎", "中央一丁目1番1号", 723000), (4, "0003", None, "", 0)],
          []]


def test_a_sealed_file_spool_gives_back_its_chunks_in_order(tmp_path: Path) -> None:
    with SealedFileSpool(str(tmp_path)) as spool:
        pack = pickle.loads(pickle.dumps(spool.packer()))  # as a worker process gets it
        for chunk in CHUNKS:
            spool.add(pack(chunk))
        assert list(spool.chunks()) == CHUNKS
        next(spool.chunks())  # a reading stopped after one chunk
        spool.add(pack([(5, "0004")]))  # more after reading: kept after the others
        assert list(spool.chunks()) == [*CHUNKS, [(5, "0004")]]
        assert list(tmp_path.iterdir()) == []  # the file has no name to find it by


def test_a_sealed_file_spool_holds_nothing_readable(tmp_path: Path) -> None:
    with SealedFileSpool(str(tmp_path)) as spool:
        for chunk in CHUNKS:
            spool.add(spool.packer()(chunk))
        spool._file.seek(0)
        held = spool._file.read()
    for plain in ("総社　花子".encode(), "中央一丁目".encode(), b"0001", pickle.dumps(CHUNKS[0])):
        assert plain not in held


def test_a_chunk_changed_on_disk_is_refused_before_it_is_unpickled(tmp_path: Path) -> None:
    with SealedFileSpool(str(tmp_path)) as spool:
        spool.add(spool.packer()(CHUNKS[0]))
        spool._file.seek(-1, 2)
        last = spool._file.read(1)
        spool._file.seek(-1, 2)
        spool._file.write(bytes([last[0] ^ 1]))
        with pytest.raises(InvalidTag):
            list(spool.chunks())


def test_another_spool_cannot_open_a_chunk() -> None:
    with SealedFileSpool() as one, SealedFileSpool() as other:
        other.add(one.packer()(CHUNKS[0]))
        with pytest.raises(InvalidTag):
            list(other.chunks())


def test_a_closed_sealed_file_spool_has_let_its_file_go() -> None:
    with SealedFileSpool() as spool:
        spool.add(spool.packer()(CHUNKS[0]))
    assert spool._file.closed


def test_a_memory_spool_gives_back_its_chunks_and_forgets_them_when_closed() -> None:
    with MemorySpool() as spool:
        for chunk in CHUNKS:
            spool.add(spool.packer()(chunk))
        assert list(spool.chunks()) == CHUNKS
    assert list(spool.chunks()) == []


def test_a_spool_that_cannot_be_made_says_so_in_words_staff_pass_on(tmp_path: Path) -> None:
    with pytest.raises(SpoolUnwritable, match="TMPDIR"):
        SealedFileSpool(str(tmp_path / "missing"))


class _FullDisk:
    closed = False

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def write(self, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    def close(self) -> None:
        self.closed = True


def test_a_full_disk_stops_the_spool_with_its_own_error() -> None:
    with SealedFileSpool() as spool:
        spool._file.close()
        spool._file = _FullDisk()  # type: ignore[assignment]
        with pytest.raises(SpoolUnwritable):
            spool.add(spool.packer()(CHUNKS[0]))
