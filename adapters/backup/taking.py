"""Take a backup: a consistent copy of the database and the key ring, in one file encrypted
with a passphrase, written mode 600 and in place only once complete (ADR 0034)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tarfile
import tempfile
from contextlib import suppress
from pathlib import Path

from attrs import frozen
from sqlalchemy import Engine, create_engine

from adapters.backup.database_copy import copy_sqlite, dump_postgresql, kind_of, sqlite_path
from adapters.backup.key_ring import KeyRing
from adapters.backup.sealed_file import SealedWriter
from adapters.persistence import migrating
from adapters.persistence.key_check import stored_encrypted_value

__all__ = ["DATABASE_MEMBERS", "BackupTaken", "take_backup"]

DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


@frozen
class BackupTaken:
    path: Path
    size: int
    database: str
    revision: str
    key_ring: str


def _private_file(folder: Path, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=".madoguchi-backup-", suffix=suffix, dir=folder)
    os.close(fd)  # mkstemp makes it mode 600
    return Path(name)


def _facts_of_copy(database_url: str, engine: Engine, copy: Path) -> tuple[str, str | None]:
    """(schema revision, one encrypted value) of what was copied: read from the SQLite copy
    itself; for PostgreSQL from the live database (a key rotation during the dump aside, the
    same keys)."""
    if kind_of(database_url) != "sqlite":
        return migrating.current_revision(engine) or "", stored_encrypted_value(engine)
    copied = create_engine(f"sqlite:///{copy}")  # as it is: no pragma changes it
    try:
        return migrating.current_revision(copied) or "", stored_encrypted_value(copied)
    finally:
        copied.dispose()


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    archive.addfile(info, io.BytesIO(data))


def take_backup(*, database_url: str, engine: Engine, key_ring: KeyRing, target: Path,
                passphrase: str, now: dt.datetime) -> BackupTaken:
    """Copy the database (while the app may be writing) and the key ring into `target`. The
    plaintext copy waits in a mode-600 file beside the target and is deleted whatever
    happens; `target` appears complete or not at all."""
    kind = kind_of(database_url)
    target = target.resolve()
    copy = _private_file(target.parent, ".db")
    sealed = _private_file(target.parent, ".part")
    try:
        if kind == "sqlite":
            copy_sqlite(sqlite_path(database_url), copy)
        else:
            dump_postgresql(database_url, copy)
        revision, check_value = _facts_of_copy(database_url, engine, copy)
        manifest = {"database": kind, "revision": revision, "check_value": check_value,
                    **key_ring.manifest()}
        with sealed.open("wb") as out:
            writer = SealedWriter(out, passphrase, {
                "created_at": now.isoformat(timespec="seconds"), "database": kind,
                "revision": revision, "key_ring": key_ring.fingerprint})
            with tarfile.open(fileobj=writer, mode="w|") as archive:  # type: ignore[call-overload]
                _add(archive, "manifest.json", json.dumps(manifest).encode())
                for name, data in sorted(key_ring.files.items()):
                    _add(archive, f"keys/{name}", data)
                archive.add(copy, arcname=DATABASE_MEMBERS[kind], recursive=False)
            writer.finish()
            out.flush()
            os.fsync(out.fileno())
        os.replace(sealed, target)
        return BackupTaken(path=target, size=target.stat().st_size, database=kind,
                           revision=revision, key_ring=key_ring.fingerprint)
    finally:
        for leftover in (copy, sealed):
            with suppress(FileNotFoundError):
                leftover.unlink()
