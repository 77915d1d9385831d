"""Staff export the inbox's cases (ADR 0047) of a period and a department, as CSV or Excel, for
the town's reports: the number, department, title, status, assignee and moments of each case —
not what the resident wrote. Audited once, before the first row is read; a case worker exports
their own departments' cases only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.cases.access import visible_departments
from application.dates import in_japan
from application.ports.case_figure_queries import CaseExportLine
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import InvalidValue, NotAllowed
from domain.values import JST

__all__ = ["CASE_COLUMNS", "CASE_FORMATS", "CaseExport", "ExportCases", "export_cases"]

CASE_COLUMNS = ("受付番号", "課", "件名", "状態", "担当者", "受付日時", "最初の回答日時",
                "完了日時")
CASE_FORMATS = ("csv", "xlsx")
MAX_DAYS = 366 * 3
_CHUNK = 1000


@frozen
class ExportCases:
    since: dt.date  # Japan days, both included
    until: dt.date
    format: str  # "csv" or "xlsx": recorded in the audit log
    actor: Actor
    department_id: str = ""  # "": every department the actor sees


@frozen
class CaseExport:
    rows: Iterator[tuple[str, ...]]  # read as they are consumed


def export_cases(command: ExportCases, *, uow_factory: Callable[[], UnitOfWork],
                 clock: Clock) -> CaseExport:
    actor = command.actor
    actor.ensure(Permission.HANDLE_CASES, "案件の一覧を出力")
    if command.format not in CASE_FORMATS:
        raise InvalidValue("出力の形式は CSV か Excel です。")
    if command.until < command.since or (command.until - command.since).days > MAX_DAYS:
        raise InvalidValue("期間は開始日から終了日まで、3年以内で指定してください。",
                           code="bad_period")
    with uow_factory() as uow:
        visible = visible_departments(actor, uow)
        wanted = visible
        if command.department_id:
            if visible is not None and command.department_id not in visible:
                raise NotAllowed("担当する課の案件だけを出力できます。", code="other_department")
            wanted = {command.department_id}
        record(uow, actor, "case.export", "case", at=clock.now(), format=command.format,
               since=command.since.isoformat(), until=command.until.isoformat(),
               department=command.department_id or "all")
        uow.commit()
    since = dt.datetime.combine(command.since, dt.time(), JST)
    until = dt.datetime.combine(command.until + dt.timedelta(days=1), dt.time(), JST)
    return CaseExport(_rows(since, until, wanted, uow_factory))


def _rows(since: dt.datetime, until: dt.datetime, departments: set[str] | None,
          uow_factory: Callable[[], UnitOfWork]) -> Iterator[tuple[str, ...]]:
    names: dict[str, str] = {}  # assignees' display names, read once each
    with uow_factory() as uow:
        for line in uow.queries.case_figures.lines(since=since, until=until,
                                                   departments=departments, chunk=_CHUNK):
            actor_id = line.assignee_id or ""
            if actor_id and actor_id not in names:
                member = uow.staff.get(actor_id)
                names[actor_id] = member.display_name if member else actor_id
            yield _cells(line, names.get(actor_id, ""))


def _cells(line: CaseExportLine, assignee: str) -> tuple[str, ...]:
    return (line.number, line.department, line.title, line.status.label, assignee,
            _moment(line.created_at), _moment(line.first_answer_at), _moment(line.closed_at))


def _moment(moment: dt.datetime | None) -> str:
    return in_japan(moment).strftime("%Y/%m/%d %H:%M") if moment else ""
