"""Retention (ADR 0047): a closed case's personal data is erased once the town's period has
passed since it closed — the answers, the photos (their kept copies deleted), the thread's texts
and notes, and the link to the resident — leaving what the figures need: the number, department,
procedure, dates and status. Run by the scheduled work and by `madoguchi cases erase-expired`
(with `--dry-run`, a count and nothing changed). Each case erased is audited, in the transaction
that erases it, in small batches so a long backlog never holds one long transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from attrs import frozen

from application.access.actor import SYSTEM, Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork
from domain.errors import InvalidValue

__all__ = ["BATCH", "EraseExpiredCases", "Erased", "erase_expired_cases", "retention_cutoff"]

BATCH = 200  # cases per transaction


@frozen
class EraseExpiredCases:
    retention_days: int  # 0: the town keeps cases (nothing is erased)
    dry_run: bool = False
    actor: Actor = SYSTEM


@frozen
class Erased:
    cases: int  # erased (with dry_run: that would be)
    photos: int = 0  # kept photos deleted
    cutoff: dt.datetime | None = None  # closed before this (None: retention is off)


def retention_cutoff(now: dt.datetime, retention_days: int) -> dt.datetime:
    """Cases closed before this moment are past their retention."""
    return now - dt.timedelta(days=retention_days)


def erase_expired_cases(command: EraseExpiredCases, *,
                        uow_factory: Callable[[], UnitOfWork], clock: Clock) -> Erased:
    if command.retention_days < 0:
        raise InvalidValue("保存期間は0日以上で指定してください。")
    if command.retention_days == 0:
        return Erased(0)
    now = clock.now()
    cutoff = retention_cutoff(now, command.retention_days)
    if command.dry_run:
        with uow_factory() as uow:
            return Erased(uow.cases.count_past_retention(cutoff), cutoff=cutoff)
    erased = photos = overlaps = 0
    while overlaps < 3:
        try:
            done, deleted = _erase_batch(command, cutoff, uow_factory(), now)
        except ConcurrentUpdate:  # staff reopened one meanwhile (or another run took them)
            overlaps += 1
            continue
        erased, photos = erased + done, photos + deleted
        if done < BATCH:
            break
    return Erased(erased, photos, cutoff)


def _erase_batch(command: EraseExpiredCases, cutoff: dt.datetime, uow: UnitOfWork,
                 now: dt.datetime) -> tuple[int, int]:
    with uow:
        found = uow.cases.past_retention(cutoff, limit=BATCH)
        refs: list[str] = []
        for case in found:
            conversation = (uow.conversations.get(case.conversation_id)
                            if case.conversation_id else None)
            if conversation is not None:  # the same answers, as the resident gave them
                conversation.forget_answers()
            refs += case.erase_personal_data(now)
            for entry in uow.case_entries.of_case(case.id):
                refs += entry.erase()
            record(uow, command.actor, "case.erase", "case", case.id, at=now,
                   retention_days=command.retention_days)
        deleted = uow.attachments.remove_refs(refs) if refs else 0
        uow.commit()
    return len(found), deleted
