"""`madoguchi backup` / `madoguchi restore`: the town's database and key ring in one file
encrypted with a passphrase, and back (ADR 0034, docs/operations.md)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from adapters.backup.database_copy import DatabaseCopyFailed
from adapters.backup.key_ring import KeyRing
from adapters.backup.restoring import Restored, RestoreRefused, restore_backup
from adapters.backup.sealed_file import BackupDamaged, WrongPassphrase
from adapters.backup.taking import take_backup
from adapters.persistence import migrating
from adapters.system import SystemClock
from application.dates import in_japan
from application.operations.noting_backups import BackupNote, note_backup_taken, note_restored
from entrypoints.cli.context import CliContext, operator, pass_context, ready
from entrypoints.config import ConfigurationError, Settings
from entrypoints.containers import build_container, shutdown

__all__ = ["backup", "restore"]

PASSPHRASE_VARIABLE = "MADOGUCHI_BACKUP_PASSPHRASE"
MIN_PASSPHRASE = 12
_passphrase_file = click.option(
    "--passphrase-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"Read the passphrase from this file's first line (else ${PASSPHRASE_VARIABLE}, "
         "else a prompt).")


def _passphrase(passphrase_file: Path | None, *, new: bool) -> str:
    if passphrase_file is not None:
        lines = passphrase_file.read_text(encoding="utf-8").splitlines()
        passphrase = lines[0] if lines else ""
    elif os.environ.get(PASSPHRASE_VARIABLE):
        passphrase = os.environ[PASSPHRASE_VARIABLE]
    else:
        passphrase = click.prompt("backup passphrase", hide_input=True,
                                  confirmation_prompt=new, err=True)
    if new and len(passphrase) < MIN_PASSPHRASE:
        raise click.ClickException(f"the backup passphrase needs {MIN_PASSPHRASE} characters "
                                   "or more")
    return passphrase


@click.command("backup")
@click.argument("outfile", type=click.Path(dir_okay=False, path_type=Path))
@_passphrase_file
@pass_context
def backup(ctx: CliContext, outfile: Path, passphrase_file: Path | None) -> None:
    """Write the database and its key ring to OUTFILE, encrypted with a passphrase (mode 600).
    The app may keep running: the copy is consistent."""
    if outfile.exists():
        raise click.ClickException(f"{outfile} already exists: choose a new file name")
    if not outfile.resolve().parent.is_dir():
        raise click.ClickException(f"there is no directory {outfile.resolve().parent}")
    container = ready(ctx)
    passphrase = _passphrase(passphrase_file, new=True)
    config = container.config
    ring = KeyRing.in_use(Path(config.data_dir()), tuple(config.data_keys()),
                          config.match_key())
    now = container.clock().now()
    note_backup_taken(BackupNote(actor=operator(), file=str(outfile.resolve()),
                                 key_ring=ring.fingerprint, at=now), uow=container.uow())
    try:
        taken = take_backup(database_url=config.database_url(), engine=container.engine(),
                            key_ring=ring, target=outfile, passphrase=passphrase,
                            now=in_japan(now))
    except DatabaseCopyFailed as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written: {taken.path} ({taken.size:,} bytes; {taken.database} at "
               f"revision {taken.revision}; key ring {taken.key_ring})")
    click.echo("keep the passphrase apart from the file: without it the backup cannot be "
               "opened, with it the file opens every resident's data", err=True)


@click.command("restore")
@click.argument("infile", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data-dir", envvar="MADOGUCHI_DATA_DIR", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Where the key ring goes (default $MADOGUCHI_DATA_DIR).")
@click.option("--database-url", envvar="DATABASE_URL", default="",
              help="The database to restore into (default $DATABASE_URL, else "
                   "madoguchi.db in the data directory); it must be empty.")
@_passphrase_file
@click.option("--force", is_flag=True,
              help="Replace a database that holds tables and keys that differ (each is named).")
def restore(infile: Path, data_dir: Path, database_url: str, passphrase_file: Path | None,
            force: bool) -> None:
    """Restore a backup made by `madoguchi backup` into an empty database and data directory.
    Stop the app first."""
    data_dir = data_dir.resolve()
    database_url = database_url or f"sqlite:///{data_dir / 'madoguchi.db'}"
    passphrase = _passphrase(passphrase_file, new=False)
    stamp = in_japan(SystemClock().now()).strftime("%Y%m%d%H%M%S")
    try:
        with infile.open("rb") as source:
            restored = restore_backup(source=source, passphrase=passphrase,
                                      database_url=database_url, data_dir=data_dir,
                                      replace=force, stamp=stamp)
    except WrongPassphrase:
        raise click.ClickException("the passphrase does not open this backup; nothing was "
                                   "changed") from None
    except (BackupDamaged, RestoreRefused) as error:
        raise click.ClickException(f"{error}; nothing was changed") from None
    except DatabaseCopyFailed as error:
        raise click.ClickException(str(error)) from None
    header = restored.header
    click.echo(f"restored the backup of {header.get('created_at')} ({header.get('database')}, "
               f"key ring {restored.key_ring.fingerprint}) into {data_dir}")
    for what in restored.replaced:
        click.echo(f"replaced: {what}")
    if restored.keys_env_file is not None:
        click.echo(f"the backup's keys came from the environment: they are in "
                   f"{restored.keys_env_file} (mode 600); put them in the town's secret store "
                   "as MADOGUCHI_DATA_KEYS and MADOGUCHI_MATCH_KEY, then delete the file")
    _check_schema_and_audit(restored, infile, data_dir, database_url, replaced=bool(
        restored.replaced))


def _check_schema_and_audit(restored: Restored, infile: Path, data_dir: Path,
                            database_url: str, *, replaced: bool) -> None:
    """Say whether the restored schema is this version's, and record the restore in the
    restored database's audit log (its schema must be current for that)."""
    head = migrating.head_revision()
    if restored.revision != head:
        click.echo(f"the restored schema is at revision {restored.revision or 'base'}, this "
                   f"Madoguchi's is {head}: run `madoguchi db upgrade` before starting the app "
                   "(a backup made by a newer Madoguchi needs that version). The restore is "
                   "not in the audit log: it was not written into an older schema", err=True)
        return
    ring = restored.key_ring
    try:
        settings = Settings.from_env({
            **os.environ, "MADOGUCHI_DATA_DIR": str(data_dir), "DATABASE_URL": database_url,
            "MADOGUCHI_DATA_KEYS": ",".join(ring.data_keys), "MADOGUCHI_MATCH_KEY": ring.match_key})
    except ConfigurationError as error:
        click.echo(f"restored, but not recorded in the audit log: {error}", err=True)
        return
    container = build_container(settings)
    try:
        note_restored(BackupNote(actor=operator(), file=str(infile.resolve()),
                                 key_ring=ring.fingerprint, at=container.clock().now(),
                                 backup_created_at=str(restored.header.get("created_at", "")),
                                 replaced=replaced), uow=container.uow())
    finally:
        shutdown(container)
        container.engine().dispose()
    click.echo(f"schema at revision {head} (current); the restore is in the audit log")
