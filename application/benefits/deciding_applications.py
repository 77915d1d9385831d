"""Staff approve or reject applications (支給決定 / 不支給決定), one or many at once, and the
decision notice (決定通知) goes to the household head's channel in the same transaction.

Each application is decided on its own merits: one that cannot be (already decided, its new
account not yet checked against the passbook photo) is reported with the reason and the others
go ahead."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from attrs import field, frozen

from application.benefits.notices import decision_notice
from application.benefits.reach import CHANNEL
from application.messaging.codec import messages_to_json
from application.outbox import OutboxMessage
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork
from domain.errors import DomainError, InvalidValue, NotFound

__all__ = ["DecideApplications", "DecisionReport", "decide_applications"]

CHUNK = 200
MAX_AT_ONCE = 5000


@frozen
class DecideApplications:
    program_id: str
    application_ids: tuple[str, ...] = field(converter=tuple)
    approve: bool
    staff_id: str
    reason: str = ""


@frozen
class DecisionReport:
    decided: int
    notified: int
    refused: tuple[tuple[str, str], ...]  # (application id, why)

    def to_json(self) -> dict[str, object]:
        return {"decided": self.decided, "notified": self.notified,
                "refused": [{"id": i, "message": m} for i, m in self.refused]}


def decide_applications(command: DecideApplications, *, uow_factory: Callable[[], UnitOfWork],
                        ids: IdGenerator, clock: Clock,
                        banks: BankMaster | None = None) -> DecisionReport:
    wanted = list(dict.fromkeys(command.application_ids))
    if not wanted:
        raise InvalidValue("決定する申請を選んでください。")
    if len(wanted) > MAX_AT_ONCE:
        raise InvalidValue(f"一度に決定できるのは{MAX_AT_ONCE}件までです。")
    if not command.approve and not command.reason.strip():
        raise InvalidValue("不支給の理由を入力してください。")
    decided = notified = 0
    refused: list[tuple[str, str]] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        try:
            d, n, r = _decide_chunk(command, chunk, uow=uow_factory(), ids=ids, clock=clock,
                                    banks=banks)
        except ConcurrentUpdate:
            refused += [(i, "ほかの職員が同時に更新しました。読み込み直してください。")
                        for i in chunk]
            continue
        decided, notified, refused = decided + d, notified + n, refused + r
    return DecisionReport(decided, notified, tuple(refused))


def _decide_chunk(command: DecideApplications, chunk: Sequence[str], *, uow: UnitOfWork,
                  ids: IdGenerator, clock: Clock,
                  banks: BankMaster | None) -> tuple[int, int, list[tuple[str, str]]]:
    refused: list[tuple[str, str]] = []
    decided = []
    now = clock.now()
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
                    application.approve(by=command.staff_id, at=now, reason=command.reason)
                else:
                    application.reject(by=command.staff_id, at=now, reason=command.reason)
            except DomainError as error:
                refused.append((application_id, error.message))
                continue
            decided.append(application)
        households = uow.households.by_ids([a.household_id for a in decided])
        heads = {h.id: h.head_resident_id for h in households.values()}
        identities = uow.channel_identities.reachable(list(heads.values()), CHANNEL)
        notified = 0
        for application in decided:
            identity = identities.get(heads.get(application.household_id, ""))
            if identity is None:
                continue  # no channel: the town sends the decision by post
            uow.outbox.add(OutboxMessage(
                id=ids.new_id(), channel=identity.channel, recipient=identity.address,
                created_at=now, payload={"messages": messages_to_json(
                    [decision_notice(program, application, banks=banks)])}))
            notified += 1
        uow.commit()
    return len(decided), notified, refused
