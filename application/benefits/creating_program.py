"""Staff create a benefit program (給付金). It starts as a draft."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.benefits import ApplicationWindow, BenefitProgram, PayoutMethod
from domain.errors import InvalidValue
from domain.values import JST, Money

__all__ = ["LAST_MINUTE", "CreateProgram", "create_program", "deadline"]

LAST_MINUTE = dt.time(23, 59, 59)  # a deadline without a time: the whole last day (JST)


def deadline(day: dt.date, at: dt.time | None = None) -> dt.datetime:
    """申請期限: the last day, at the time staff picked, or to the end of 23:59 Japan time."""
    return dt.datetime.combine(day, at or LAST_MINUTE, tzinfo=JST)


@frozen
class CreateProgram:
    actor: Actor
    name: str
    amount_yen: int
    eligibility_source: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    payout_methods: tuple[str, ...] = field(converter=tuple)
    notice_text: str = ""
    decision_text: str = ""
    rejection_text: str = ""


def _payout_methods(values: Iterable[str]) -> frozenset[PayoutMethod]:
    try:
        return frozenset(PayoutMethod(value) for value in values)
    except ValueError:
        allowed = "、".join(method.value for method in PayoutMethod)
        raise InvalidValue(f"支給方法は {allowed} から選んでください。") from None


def create_program(command: CreateProgram, *, uow: UnitOfWork, ids: IdGenerator,
                   clock: Clock) -> str:
    command.actor.ensure(Permission.MANAGE_PROGRAMS, "給付金を登録")
    program = BenefitProgram(
        id=ids.new_id(),
        name=command.name.strip() if isinstance(command.name, str) else command.name,
        amount_per_household=Money(command.amount_yen),
        eligibility_source=command.eligibility_source,
        window=ApplicationWindow(opens_at=command.opens_at, closes_at=command.closes_at),
        payout_methods=_payout_methods(command.payout_methods),
        notice_text=command.notice_text,
        decision_text=command.decision_text,
        rejection_text=command.rejection_text,
    )
    with uow:
        if uow.programs.get_by_name(program.name) is not None:
            raise InvalidValue(f"給付金「{program.name}」はすでに登録されています。",
                               code="duplicate_program")
        uow.programs.add(program)
        record(uow, command.actor, "program.create", "program", program.id, at=clock.now())
        uow.commit()
    return program.id
