"""取り下げ: staff withdraw a benefit program, with a reason.

Nothing already on its way to a household is silently lost: while a payment batch holds a
payment of the program (registered, approved, or exported and waiting for the bank's result)
the withdrawal is refused, naming the batches by number and what to do with each first.
Otherwise the program is withdrawn, every application not paid or rejected is withdrawn with it
(payments still waiting for a batch are cancelled), and each household is told in the chat with
the reason (`WithdrawalNotice`, run by the message bus on `ApplicationWithdrawn`). 状況確認 then
says 取り下げ. Audited in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.benefits import PayoutMethod
from domain.errors import IllegalTransition, NotFound

__all__ = ["WithdrawProgram", "Withdrawn", "refusal", "withdraw_program"]

_WAITING_FOR_RESULT = {"exported"}  # a batch whose file went to the bank


@frozen
class WithdrawProgram:
    program_id: str
    reason: str
    actor: Actor


@frozen
class Withdrawn:
    applications: int  # withdrawn with the program (their households are told)
    payments_cancelled: int  # payments that were waiting for a batch


def refusal(batches: Sequence[tuple[int, str]]) -> str:
    """Why the withdrawal is refused, naming the batches and what to do with each first."""

    def numbers(states: set[str], inside: bool) -> str:
        return "・".join(f"第{number}号" for number, state in batches
                        if (state in states) is inside)

    parts = []
    registered = numbers(_WAITING_FOR_RESULT, inside=False)
    exported = numbers(_WAITING_FOR_RESULT, inside=True)
    if registered:
        parts.append(f"支払バッチ {registered} に支払が登録されています。先にこのバッチを"
                     "取り消してください。")
    if exported:
        parts.append(f"支払バッチ {exported} は振込データを作成済みです。先に銀行の結果を"
                     "取り込んでください。")
    return "この給付金は取り下げられません。" + "".join(parts)


def withdraw_program(command: WithdrawProgram, *, uow: UnitOfWork, clock: Clock) -> Withdrawn:
    command.actor.ensure(Permission.MANAGE_PROGRAMS, "給付金を取り下げ")
    now = clock.now()
    with uow:
        program = uow.programs.get(command.program_id)
        if program is None:
            raise NotFound("給付金が見つかりません。")
        batches = uow.queries.benefits.withdrawal_blockers(program.id)
        if batches:
            raise IllegalTransition(refusal(batches), code="payments_in_batches")
        program.withdraw(reason=command.reason)
        withdrawn = sum(application.withdraw_with_program(program)
                        for application in uow.applications.list_for_program(program.id))
        cancelled = 0
        for method in PayoutMethod:
            for payment in uow.disbursements.pending_for(program.id, method):
                payment.cancel()
                cancelled += 1
        record(uow, command.actor, "program.withdraw", "program", program.id, at=now,
               reason=program.withdrawal_reason, applications=withdrawn,
               payments_cancelled=cancelled)
        uow.commit()
    return Withdrawn(applications=withdrawn, payments_cancelled=cancelled)
