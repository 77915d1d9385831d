"""Staff look at the consultations of their departments: the queue of waiting residents (oldest
first, how long each has waited) and the ones in progress, with each department's hours. The
look is audited as the inbox's are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.cases.access import visible_departments
from application.cases.consultation_hours import hours_of
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.cases import Department, InboxCase
from domain.consultations import (
    Consultation,
    ConsultationStatus,
    OpeningHours,
    place_in_queue,
)

__all__ = ["ConsultationLine", "Consultations", "view_consultations", "waited_text"]


@frozen
class ConsultationLine:
    consultation: Consultation
    case: InboxCase
    department: str  # its name ("" when no department holds it)
    waited: dt.timedelta  # since the request (waiting) or since taken (in progress)
    staff_name: str = ""  # who took it (in progress)
    place: int = 0  # waiting: the place in its department's queue, as the resident was told


@frozen
class Consultations:
    waiting: Sequence[ConsultationLine] = field(converter=tuple)  # the queue, oldest first
    talking: Sequence[ConsultationLine] = field(converter=tuple)
    hours: Mapping[str, OpeningHours]  # a department's id → its hours
    departments: Sequence[Department] = field(converter=tuple)  # the ones shown


def waited_text(waited: dt.timedelta) -> str:
    """3分, 1時間5分, 2日3時間 (how long a resident has waited)."""
    minutes = max(0, int(waited.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}日{hours}時間"
    return f"{hours}時間{minutes}分" if hours else f"{minutes}分"


def view_consultations(*, actor: Actor, uow: UnitOfWork, clock: Clock) -> Consultations:
    actor.ensure(Permission.HANDLE_CASES, "相談の一覧を閲覧")
    now = clock.now()
    with uow:
        visible = visible_departments(actor, uow)
        departments = [d for d in uow.departments.all() if visible is None or d.id in visible]
        names = {d.id: d.name for d in departments}

        def lines(status: ConsultationStatus) -> list[ConsultationLine]:
            found = []
            these = uow.consultations.with_status(status, visible)
            for consultation in these:
                case = uow.cases.get(consultation.id)
                if case is None:  # pragma: no cover - written together
                    continue
                member = uow.staff.get(consultation.staff_id) if consultation.staff_id else None
                since = consultation.taken_at or consultation.requested_at
                found.append(ConsultationLine(
                    consultation, case, names.get(consultation.department_id or "", ""),
                    now - since, member.display_name if member else "",
                    place_in_queue(consultation, these) if consultation.waiting else 0))
            return found

        result = Consultations(lines(ConsultationStatus.WAITING),
                               lines(ConsultationStatus.TALKING),
                               {d.id: hours_of(uow, d.id) for d in departments},
                               departments)
        record(uow, actor, "consultation.list", "case", at=now,
               shown=len(result.waiting) + len(result.talking))
        uow.commit()
    return result
