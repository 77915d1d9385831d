"""Staff open or close a benefit program (a withdrawal, with its reason and checks, is
`withdrawing_program.py`)."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.benefits import ProgramStatus
from domain.errors import InvalidValue, NotFound

__all__ = ["ChangeProgramStatus", "change_program_status"]


@frozen
class ChangeProgramStatus:
    program_id: str
    status: str  # open, closed
    actor: Actor


def change_program_status(command: ChangeProgramStatus, *, uow: UnitOfWork,
                          clock: Clock) -> ProgramStatus:
    command.actor.ensure(Permission.MANAGE_PROGRAMS, "給付金の状態を変更")
    with uow:
        program = uow.programs.get(command.program_id)
        if program is None:
            raise NotFound("給付金が見つかりません。")
        moves = {"open": program.open, "closed": program.close}
        if command.status == "withdrawn":
            raise InvalidValue("取り下げは理由を添えて、取り下げの確認画面から行ってください。",
                               code="reason_required")
        if command.status not in moves:
            raise InvalidValue("状態は open か closed を指定してください。")
        moves[command.status]()
        record(uow, command.actor, "program.status", "program", program.id, at=clock.now(),
               status=command.status)
        uow.commit()
        return program.status
