"""The town's export as one zip file (ADR 0035, docs/export.md): a CSV (UTF-8 with a byte
order mark, through the one CSV writer of `csv_io`) or a JSON-lines file per kind of record,
and `manifest.json` naming each file's rows, SHA-256 and columns.

Written so that nothing half-done is ever found at the path: into a temporary file beside it,
made mode 600 from its first byte (personal data of every resident), synced, and only then
linked at its name — which must not exist yet, so an older export is never replaced by
accident. A file whose rows differ from those counted before (and audited) discards the lot."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from adapters.csv_io import utf8_csv
from application.ports.archives import ArchiveMismatch
from application.ports.queries import TownCell, TownFile
from domain.values import JST

__all__ = ["FORMAT", "FORMAT_VERSION", "ZipTownArchive", "csv_text"]

FORMAT = "madoguchi-town-export"
FORMAT_VERSION = 1
_BUFFER = 1 << 16

Rows = Callable[[TownFile], Iterator[tuple[TownCell, ...]]]


def csv_text(cell: TownCell) -> str:
    """A cell as CSV text: nothing as an empty cell, truth values as true/false, nested values
    as JSON."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, dict | list):
        return json.dumps(cell, ensure_ascii=False, sort_keys=True)
    return str(cell)


def _csv(file: TownFile, rows: Iterable[tuple[TownCell, ...]]) -> Iterator[bytes]:
    return utf8_csv(file.columns, ([csv_text(cell) for cell in row] for row in rows))


def _jsonl(file: TownFile, rows: Iterable[tuple[TownCell, ...]]) -> Iterator[bytes]:
    for row in rows:
        record = dict(zip(file.columns, row, strict=True))
        yield (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


class ZipTownArchive:
    def __init__(self, path: str | Path, *, town: Mapping[str, str],
                 schema_revision: str | None) -> None:
        self.path = Path(path)
        self.town = dict(town)
        self.schema_revision = schema_revision

    def write(self, files: Sequence[TownFile], rows: Rows, *, expected: Mapping[str, int],
              created_at: dt.datetime) -> Mapping[str, int]:
        target = self.path.absolute()
        if target.exists():
            raise FileExistsError(target)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                                 dir=target.parent)  # mode 600
        try:
            with os.fdopen(descriptor, "wb") as raw:
                entries = self._write_zip(raw, files, rows, expected, created_at)
                raw.flush()
                os.fsync(raw.fileno())
            _claim(temporary, target)
            _sync_directory(target.parent)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
        return {entry["name"]: entry["rows"] for entry in entries}

    def _write_zip(self, raw: IO[bytes], files: Sequence[TownFile], rows: Rows,
                   expected: Mapping[str, int],
                   created_at: dt.datetime) -> list[dict[str, Any]]:
        entries = []
        with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for file in files:
                entry = _write_entry(archive, _member(file.name, created_at), file, rows(file))
                if entry["rows"] != expected.get(file.name):
                    raise ArchiveMismatch(f"{file.name}: {entry['rows']} rows written, "
                                          f"{expected.get(file.name)} counted")
                entries.append(entry)
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION, "town": self.town,
                "created_at": created_at.astimezone(JST).isoformat(timespec="seconds"),
                "schema_revision": self.schema_revision,
                "encoding": {"csv": "UTF-8 with BOM, CRLF, every cell quoted",
                             "jsonl": "UTF-8, one JSON object a line"},
                "documentation": "docs/export.md", "files": entries,
            }
            text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
            archive.writestr(_member("manifest.json", created_at), text)
        return entries


def _member(name: str, created_at: dt.datetime) -> zipfile.ZipInfo:
    """A file of the archive, dated when the export was made (Japan time) and mode 600 when it
    is unpacked."""
    member = zipfile.ZipInfo(name, date_time=created_at.astimezone(JST).timetuple()[:6])
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = 0o100600 << 16
    return member


def _write_entry(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: TownFile,
                 rows: Iterator[tuple[TownCell, ...]]) -> dict[str, Any]:
    counted = 0

    def counting() -> Iterator[tuple[TownCell, ...]]:
        nonlocal counted
        for row in rows:
            counted += 1
            yield row

    kind = "jsonl" if file.name.endswith(".jsonl") else "csv"
    entry: dict[str, Any] = {"name": file.name, "title": file.title, "format": kind}
    if file.blob_column is None:
        chunks = (_jsonl if kind == "jsonl" else _csv)(file, counting())
        with archive.open(member, "w", force_zip64=True) as out:
            size, digest = _copy(chunks, out)
    else:  # the files first (a zip writes one member at a time), the list spooled meanwhile
        folder = file.name.rsplit(".", 1)[0] + "/"
        blobs = _blobs(archive, member, file, folder, counting())
        with tempfile.SpooledTemporaryFile(max_size=_BUFFER * 16) as spool:
            size, digest = _copy((_jsonl if kind == "jsonl" else _csv)(file, blobs), spool)
            spool.seek(0)
            with archive.open(member, "w", force_zip64=True) as out:
                shutil.copyfileobj(spool, out, _BUFFER)
        entry["folder"] = folder
    return {**entry, "rows": counted, "bytes": size, "sha256": digest,
            "columns": list(file.columns)}


def _blobs(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: TownFile, folder: str,
           rows: Iterator[tuple[TownCell, ...]]) -> Iterator[tuple[TownCell, ...]]:
    """Write each row's bytes as `<folder><first cell>` and put that name in their place."""
    index = file.columns.index(str(file.blob_column))
    for row in rows:
        content = row[index]
        if isinstance(content, bytes):
            name = f"{folder}{row[0]}"
            blob = zipfile.ZipInfo(name, date_time=member.date_time)
            blob.compress_type, blob.external_attr = member.compress_type, member.external_attr
            archive.writestr(blob, content)
            row = (*row[:index], name, *row[index + 1:])
        yield row


def _copy(chunks: Iterable[bytes], out: IO[bytes]) -> tuple[int, str]:
    """Write the chunks in blocks of 64 KiB; their size and SHA-256."""
    digest, size, buffer = hashlib.sha256(), 0, bytearray()
    for chunk in chunks:
        buffer += chunk
        if len(buffer) >= _BUFFER:
            digest.update(buffer)
            out.write(buffer)
            size += len(buffer)
            buffer.clear()
    digest.update(buffer)
    out.write(buffer)
    return size + len(buffer), digest.hexdigest()


def _claim(temporary: str, target: Path) -> None:
    """Put the complete archive at its name at once, refusing an existing file."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: claim the name, then replace it
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.replace(temporary, target)


def _sync_directory(directory: Path) -> None:
    with suppress(OSError):  # not every file system syncs a directory
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
