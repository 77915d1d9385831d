"""Staff take the report away (CSV, Excel or the month's PDF): counts only, but every download
is audited like the town's other exports, once, before the file is written."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import InvalidValue

__all__ = ["KPI_FORMATS", "RecordKpiExport", "record_kpi_export"]

KPI_FORMATS = ("csv", "xlsx", "pdf")


@frozen
class RecordKpiExport:
    format: str
    first: dt.date
    last: dt.date  # the month of a PDF: first == last
    actor: Actor


def record_kpi_export(command: RecordKpiExport, *, uow: UnitOfWork, clock: Clock) -> None:
    command.actor.ensure(Permission.VIEW_DASHBOARD, "報告・KPIを出力")
    if command.format not in KPI_FORMATS:
        raise InvalidValue("出力の形式は CSV、Excel、PDF のどれかです。", code="bad_format")
    with uow:
        record(uow, command.actor, "kpi.export", "kpi", at=clock.now(), format=command.format,
               first=f"{command.first:%Y-%m}", last=f"{command.last:%Y-%m}")
        uow.commit()
