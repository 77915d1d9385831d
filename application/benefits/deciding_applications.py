"""Staff approve or reject applications (支給決定 / 不支給決定), one or many at once. The decision
notice (決定通知) follows from each decision (`handlers.DecisionNotice`), in the same
transaction.

Each application is decided on its own merits: one that cannot be (already decided, its new
account not yet checked against the passbook photo) is reported with the reason and the others
go ahead. Many applications are decided in chunks of `CHUNK`, one transaction each, each with
its audit record of what it decided."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.messaging.telling import Telling
from application.ports.clock import Clock
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork
from domain.access import Permission
from domain.errors import DomainError, InvalidValue, NotFound

__all__ = ["DecideApplications", "DecisionReport", "decide_applications"]

CHUNK = 200
MAX_AT_ONCE = 5000


@frozen
class DecideApplications:
    program_id: str
    application_ids: tuple[str, ...] = field(converter=tuple)
    approve: bool
    actor: Actor
    reason: str = ""


@frozen
class DecisionReport:
    decided: int
    notified: int
    refused: tuple[tuple[str, str], ...]  # (application id, why)
    household_numbers: dict[str, str] = field(factory=dict)  # of the refused: id → 世帯番号

    def to_json(self) -> dict[str, object]:
        return {"decided": self.decided, "notified": self.notified,
                "refused": [{"id": i, "message": m} for i, m in self.refused]}


def decide_applications(command: DecideApplications, *, uow_factory: Callable[[], UnitOfWork],
                        clock: Clock, telling: Telling) -> DecisionReport:
    command.actor.ensure(Permission.DECIDE_APPLICATIONS, "支給決定")
    wanted = list(dict.fromkeys(command.application_ids))
    if not wanted:
        raise InvalidValue("決定する申請を選んでください。")
    if len(wanted) > MAX_AT_ONCE:
        raise InvalidValue(f"一度に決定できるのは{MAX_AT_ONCE}件までです。")
    if not command.approve and not command.reason.strip():
        raise InvalidValue("不支給の理由を入力してください。")
    decided = notified = 0
    refused: list[tuple[str, str]] = []
    numbers: dict[str, str] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        try:
            d, n, r = _decide_chunk(command, chunk, uow=uow_factory(), clock=clock,
                                    telling=telling, numbers=numbers)
        except ConcurrentUpdate:
            refused += [(i, "ほかの職員が同時に更新しました。読み込み直してください。")
                        for i in chunk]
            continue
        decided, notified, refused = decided + d, notified + n, refused + r
    return DecisionReport(decided, notified, tuple(refused), numbers)


def _decide_chunk(command: DecideApplications, chunk: Sequence[str], *, uow: UnitOfWork,
                  clock: Clock, telling: Telling,
                  numbers: dict[str, str]) -> tuple[int, int, list[tuple[str, str]]]:
    refused: list[tuple[str, str]] = []
    decided = []
    now = clock.now()
    by = command.actor.id
    with uow:
        program = uow.programs.get(command.program_id)
        if program is None:
            raise NotFound("給付金が見つかりません。")
        found = uow.applications.by_ids(chunk)
        for application_id in chunk:
            application = found.get(application_id)
            if application is None or application.program_id != program.id:
                refused.append((application_id, "この給付金の申請ではありません。"))
                continue
            try:
                if command.approve:
                    application.approve(by=by, at=now, reason=command.reason)
                else:
                    application.reject(by=by, at=now, reason=command.reason)
            except DomainError as error:
                refused.append((application_id, error.message))
                continue
            decided.append(application)
        mine = [found[i] for i, _ in refused if i in found and found[i].program_id == program.id]
        households = uow.households.heads([a.household_id for a in mine])
        numbers.update({a.id: households[a.household_id].household_number for a in mine
                        if a.household_id in households})
        # who the notices reach, by the same policy the notice handler follows (the rest: post)
        reached = telling.households_recipients(uow, [a.household_id for a in decided])
        notified = sum(1 for a in decided if a.household_id in reached)
        if decided:
            record(uow, command.actor, "application.decide", "program", program.id, at=now,
                   decision="approve" if command.approve else "reject", count=len(decided),
                   refused=len(refused))
        uow.commit()
    return len(decided), notified, refused
