"""Staff look at the map of open cases (案件の地図): the open cases with a point of the
departments they belong to (administrators: every department's), filtered by department and
status, newest first. Only what the list shows is read (no answers are decrypted); each look is
audited as the inbox list is."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.cases.access import visible_departments
from application.ports.case_queries import CaseLine
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.cases import CaseStatus, Department
from domain.errors import NotAllowed

__all__ = ["MAP_LIMIT", "OPEN_STATUSES", "CaseMap", "ShowCaseMap", "map_cases"]

MAP_LIMIT = 500  # markers on one map: the newest; the page says how many more there are
OPEN_STATUSES = tuple(s for s in CaseStatus if s.is_open)


@frozen
class ShowCaseMap:
    actor: Actor
    department_id: str = ""  # "": every department the actor sees
    status: CaseStatus | None = None  # None: every open status


@frozen
class CaseMap:
    cases: Sequence[CaseLine] = field(converter=tuple)  # each with a point, newest first
    total: int  # how many match in all (more than shown when over MAP_LIMIT)
    departments: Sequence[Department] = field(converter=tuple)  # the ones the actor may pick
    department_id: str
    status: CaseStatus | None
    mine: bool  # the actor's departments only (False: an administrator sees every one)

    @property
    def names(self) -> dict[str, str]:
        return {d.id: d.name for d in self.departments}


def map_cases(command: ShowCaseMap, *, uow: UnitOfWork, clock: Clock) -> CaseMap:
    actor = command.actor
    actor.ensure(Permission.HANDLE_CASES, "案件の地図を閲覧")
    if command.status is not None and not command.status.is_open:
        raise NotAllowed("地図に出せるのは完了していない案件です。", code="case_map_closed")
    with uow:
        visible = visible_departments(actor, uow)
        departments = [d for d in uow.departments.all() if visible is None or d.id in visible]
        wanted = visible
        if command.department_id:
            if command.department_id not in {d.id for d in departments}:
                raise NotAllowed("その課の案件は、その課の職員だけが地図で見られます。",
                                 code="other_department")
            wanted = {command.department_id}
        found, total = uow.queries.cases.on_map(
            departments=wanted, limit=MAP_LIMIT,
            statuses=(command.status,) if command.status else OPEN_STATUSES)
        detail: dict[str, str | int] = {"shown": len(found)}
        if command.department_id:
            detail["department_id"] = command.department_id
        if command.status:
            detail["case_status"] = command.status.value
        record(uow, actor, "case.map", "case", at=clock.now(), **detail)
        uow.commit()
    return CaseMap(found, total, departments, command.department_id, command.status,
                   mine=visible is not None)
