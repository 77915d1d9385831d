"""The audit log's record of a backup taken and of a backup restored, naming the operator.

A backup is recorded in the live database *before* the copy is taken, so the copy holds the
record of its own making; a restore is recorded in the restored database once it is in place
(ADR 0034)."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission

__all__ = ["BackupNote", "note_backup_taken", "note_restored"]


@frozen
class BackupNote:
    actor: Actor
    file: str  # the backup file's name (a path on the server, not personal data)
    key_ring: str  # the key ring's fingerprint, never a key
    at: dt.datetime
    backup_created_at: str = ""  # for a restore: when the backup was taken
    replaced: bool = False  # for a restore: whether it replaced a database or keys


def note_backup_taken(note: BackupNote, *, uow: UnitOfWork) -> None:
    note.actor.ensure(Permission.ADMINISTER, "バックアップを作成")
    with uow:
        record(uow, note.actor, "backup.create", at=note.at, file=note.file,
               key_ring=note.key_ring)
        uow.commit()


def note_restored(note: BackupNote, *, uow: UnitOfWork) -> None:
    note.actor.ensure(Permission.ADMINISTER, "バックアップを復元")
    with uow:
        record(uow, note.actor, "backup.restore", at=note.at, file=note.file,
               key_ring=note.key_ring, backup_created_at=note.backup_created_at,
               replaced=note.replaced)
        uow.commit()
