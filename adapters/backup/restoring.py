"""Restore a backup into a data directory and a database, after checking everything first:
the passphrase, every chunk of the file, that the backup's keys open its data, and that nothing
would be overwritten without `replace` (ADR 0034)."""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from attrs import frozen
from sqlalchemy import create_engine

from adapters.backup.database_copy import (
    DatabaseCopyFailed,
    is_empty,
    kind_of,
    restore_postgresql,
    sqlite_path,
)
from adapters.backup.key_ring import KEY_FILES, KeyRing
from adapters.backup.sealed_file import BackupDamaged, SealedReader
from adapters.backup.taking import DATABASE_MEMBERS
from adapters.persistence import migrating
from adapters.persistence.database import make_engine
from adapters.persistence.key_check import stored_encrypted_value

__all__ = ["KEYS_ENV_FILE", "RestoreRefused", "Restored", "restore_backup"]

KEYS_ENV_FILE = "restored-keys.env"


class RestoreRefused(Exception):
    """The backup cannot be restored here; nothing was changed. The message says why."""


@frozen
class Restored:
    header: dict[str, Any]
    key_ring: KeyRing
    revision: str
    replaced: tuple[str, ...]  # what was there before, and where it was moved
    keys_env_file: Path | None  # the keys of a backup taken with keys from the environment


def _unpack(reader: SealedReader, scratch: Path) -> tuple[dict[str, Any], KeyRing, Path]:
    """Read the whole payload (every chunk authenticated, to its sealed end) before anything
    is used: the manifest, the key files in memory, the database into `scratch`."""
    manifest: dict[str, Any] | None = None
    files: dict[str, bytes] = {}
    database = scratch / "database"
    try:
        with tarfile.open(fileobj=reader, mode="r|") as archive:  # type: ignore[call-overload]
            for member in archive:
                source = archive.extractfile(member)
                if source is None:
                    continue
                if member.name == "manifest.json":
                    manifest = json.loads(source.read())
                elif member.name.startswith("keys/") and member.name[5:] in KEY_FILES:
                    files[member.name[5:]] = source.read()
                elif member.name in DATABASE_MEMBERS.values():
                    with database.open("wb") as out:
                        shutil.copyfileobj(source, out, 1 << 20)
        while reader.read(1 << 20):  # the archive's padding, to the sealed last chunk
            pass
    except (tarfile.TarError, ValueError, KeyError) as error:
        raise BackupDamaged(f"the backup's contents are damaged ({type(error).__name__})") \
            from None
    if manifest is None or not database.is_file():
        raise BackupDamaged("the backup holds no database")
    try:
        ring = KeyRing(data_keys=tuple(manifest["data_keys"]),
                       match_key=str(manifest["match_key"]), files=files)
    except (KeyError, TypeError):
        raise BackupDamaged("the backup's manifest is damaged") from None
    return manifest, ring, database


def _check_opens(manifest: dict[str, Any], ring: KeyRing, database: Path) -> None:
    value = manifest.get("check_value")
    if manifest["database"] == "sqlite":  # the copy itself, not only the value noted with it
        copy = create_engine(f"sqlite:///{database}")  # as it is: no pragma changes it
        try:
            value = stored_encrypted_value(copy)
        finally:
            copy.dispose()
    if not ring.opens(value):
        raise RestoreRefused(
            f"the key ring in this backup ({ring.fingerprint}) does not open its database: "
            "the backup was made with the wrong keys")


def _occupied(database_url: str) -> bool:
    """Whether the target database holds tables (a SQLite file is not made to find out)."""
    if kind_of(database_url) == "sqlite" and not sqlite_path(database_url).exists():
        return False
    target = make_engine(database_url)
    try:
        return not is_empty(target)
    finally:
        target.dispose()


def _aside(path: Path, stamp: str) -> Path:
    moved = path.with_name(f"{path.name}.before-restore-{stamp}")
    os.replace(path, moved)
    return moved


def _write_private(path: Path, data: bytes) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(name, path)


def _key_conflicts(ring: KeyRing, data_dir: Path) -> list[Path]:
    """Key files in the data directory that differ from the backup's (a data.key the backup's
    keys do not include, when they came from the environment)."""
    conflicts = [data_dir / name for name, data in ring.files.items()
                 if (data_dir / name).is_file() and (data_dir / name).read_bytes() != data]
    data_key = data_dir / "data.key"
    if not ring.from_files and data_key.is_file() and \
            data_key.read_text().strip() not in ring.data_keys:
        conflicts.append(data_key)
    return conflicts


def restore_backup(*, source: IO[bytes], passphrase: str, database_url: str, data_dir: Path,
                   replace: bool, stamp: str) -> Restored:
    """Restore into `database_url` and `data_dir`. Refused, changing nothing, when the
    passphrase or the file is wrong, when the backup's keys do not open its data, when the
    database kinds differ, or (without `replace`) when the target database holds tables or the
    data directory holds other keys. With `replace`, what was there is moved aside (SQLite,
    key files: `<name>.before-restore-<stamp>`) or dropped (PostgreSQL objects the dump
    holds), and named in the result."""
    reader = SealedReader(source, passphrase)
    if kind_of(database_url) != reader.header.get("database"):
        raise RestoreRefused(f"this is a {reader.header.get('database')} backup: restore it "
                             f"into a {reader.header.get('database')} database")
    made_dir = not data_dir.exists()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".madoguchi-restore-", dir=data_dir))
    try:
        manifest, ring, database = _unpack(reader, scratch)
        _check_opens(manifest, ring, database)
        occupied = _occupied(database_url)
        conflicts = _key_conflicts(ring, data_dir)
        if (occupied or conflicts) and not replace:
            found = (["the database holds tables"] if occupied else []) + \
                [f"{path} holds other keys" for path in conflicts]
            raise RestoreRefused(f"refused: {'; '.join(found)} (restore into an empty database "
                                 "and data directory, or add --force to replace them)")
        replaced = _put_database(database_url, database, occupied, stamp)
        replaced += [f"{path} (moved to {_aside(path, stamp)})" for path in conflicts]
        for name, data in ring.files.items():
            _write_private(data_dir / name, data)
        keys_env = None
        if not ring.from_files:
            keys_env = data_dir / KEYS_ENV_FILE
            _write_private(keys_env, (f"MADOGUCHI_DATA_KEYS={','.join(ring.data_keys)}\n"
                                      f"MADOGUCHI_MATCH_KEY={ring.match_key}\n").encode())
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        if made_dir:
            with suppress(OSError):
                data_dir.rmdir()
        raise
    shutil.rmtree(scratch, ignore_errors=True)
    restored = make_engine(database_url)
    try:
        revision = migrating.current_revision(restored) or ""
        if not ring.opens(stored_encrypted_value(restored)):
            raise DatabaseCopyFailed("the backup's keys do not open the restored database: "
                                     "check it before the app uses it")
    finally:
        restored.dispose()
    return Restored(header=reader.header, key_ring=ring, revision=revision,
                    replaced=tuple(replaced), keys_env_file=keys_env)


def _put_database(database_url: str, database: Path, occupied: bool, stamp: str) -> list[str]:
    if kind_of(database_url) != "sqlite":
        restore_postgresql(database_url, database, replace=occupied)
        return ["the tables of the database the backup holds (dropped and made again)"] \
            if occupied else []
    path = sqlite_path(database_url)
    replaced = []
    if occupied:
        for suffix in ("", "-wal", "-shm"):
            old = path.with_name(path.name + suffix)
            if old.exists():
                replaced.append(f"{old} (moved to {_aside(old, stamp)})")
    os.chmod(database, 0o600)
    try:
        os.replace(database, path)
    except OSError as error:
        raise DatabaseCopyFailed(f"could not put the database at {path}: {error}") from None
    return replaced
