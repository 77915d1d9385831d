"""What the builder's pages show: the town's built procedures, one with its versions, and the
departments a procedure can route to. No personal data: reading is not audited."""

from __future__ import annotations

from attrs import field, frozen

from application.access.actor import Actor
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.built_procedures import BuiltProcedure, ProcedureVersion
from domain.errors import NotFound

__all__ = ["ProcedureDetail", "built_procedures", "department_names", "procedure_detail"]


@frozen
class ProcedureDetail:
    procedure: BuiltProcedure
    versions: tuple[ProcedureVersion, ...] = field(converter=tuple)  # newest first
    departments: tuple[str, ...] = field(converter=tuple)  # the town's, by name


def built_procedures(*, actor: Actor, uow: UnitOfWork) -> list[BuiltProcedure]:
    actor.ensure(Permission.BUILD_PROCEDURES, "手続きの一覧を見る")
    with uow:
        return uow.built_procedures.all()


def procedure_detail(procedure_id: str, *, actor: Actor, uow: UnitOfWork) -> ProcedureDetail:
    actor.ensure(Permission.BUILD_PROCEDURES, "手続きを見る")
    with uow:
        built = uow.built_procedures.get(procedure_id)
        if built is None:
            raise NotFound("手続きが見つかりません。", code="procedure_not_found")
        return ProcedureDetail(built, uow.built_procedures.versions_of(built.id),
                               tuple(d.name for d in uow.departments.all()))


def department_names(*, uow: UnitOfWork) -> list[str]:
    with uow:
        return [d.name for d in uow.departments.all()]
