"""Staff work on a case: take it (担当にする), close it (完了), reopen it, write an internal note,
or pass it to another department. Each change commits with its audit record."""

from __future__ import annotations

import enum

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.cases.access import workable_case
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.cases import CaseEntry, CaseEntryKind, InboxCase
from domain.errors import InvalidValue

__all__ = ["CaseAction", "HandleCase", "handle_case"]


class CaseAction(enum.Enum):
    ASSIGN_ME = "assign"  # 自分が担当する
    CLOSE = "close"  # 完了にする
    REOPEN = "reopen"  # 対応中に戻す
    NOTE = "note"  # 内部メモ
    TRANSFER = "transfer"  # ほかの課へ回す


@frozen
class HandleCase:
    case_id: str
    action: CaseAction
    actor: Actor
    note: str = ""
    department_id: str = ""  # TRANSFER: where to


def handle_case(command: HandleCase, *, uow: UnitOfWork, ids: IdGenerator,
                clock: Clock) -> InboxCase:
    now, actor, action = clock.now(), command.actor, command.action
    with uow:
        case = workable_case(command.case_id, actor, uow, "案件を処理")
        facts: dict[str, str] = {}
        if action is CaseAction.ASSIGN_ME:
            case.assign(actor.id, now)
        elif action is CaseAction.CLOSE:
            case.close(now)
        elif action is CaseAction.REOPEN:
            case.reopen(now)
        elif action is CaseAction.NOTE:
            uow.case_entries.add(CaseEntry(id=ids.new_id(), case_id=case.id,
                                           kind=CaseEntryKind.NOTE, text=command.note, at=now,
                                           staff_id=actor.id))
            case.noted(now)
        else:
            department = uow.departments.get(command.department_id)
            if department is None:
                raise InvalidValue("回す先の課を選んでください。", code="no_department")
            case.passed_to(department.id, now)
            consultation = uow.consultations.get(case.id)
            if consultation is not None:  # its queue is the new department's
                consultation.passed_to(department.id)
            facts["department"] = department.name
        record(uow, actor, f"case.{action.value}", "case", case.id, at=now,
               case_status=case.status.value, **facts)
        uow.commit()
    return case
