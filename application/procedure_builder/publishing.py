"""Publishing a procedure (administrators): the draft, checked again, becomes the next
version; residents who start it from now get that version, those in the middle finish on
theirs. Withdrawing stops new starts. Both audited, in the same transaction."""

from __future__ import annotations

from collections.abc import Callable

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.procedure_builder.drafting import check_draft
from domain.access import Permission
from domain.built_procedures import BuiltProcedure, ProcedureVersion
from domain.errors import NotFound

__all__ = ["PublishCheck", "publish_procedure", "withdraw_procedure"]

# A further check before publishing (a fee needs the town's payment gateway): raises
# `TemplateRefused` with its problems.
PublishCheck = Callable[[dict], None]  # type: ignore[type-arg]


def publish_procedure(procedure_id: str, *, actor: Actor, uow: UnitOfWork, clock: Clock,
                      checks: tuple[PublishCheck, ...] = ()) -> ProcedureVersion:
    actor.ensure(Permission.PUBLISH_PROCEDURES, "手続きを公開")
    now = clock.now()
    with uow:
        built = _built(procedure_id, uow)
        check_draft(built.draft, uow=uow)
        for check in checks:
            check(built.draft)
        version = built.publish(by=actor.id, at=now)
        uow.built_procedures.add_version(version)
        record(uow, actor, "procedure.publish", "procedure", built.id, at=now,
               version=version.number)
        uow.commit()
    return version


def withdraw_procedure(procedure_id: str, *, actor: Actor, uow: UnitOfWork,
                       clock: Clock) -> BuiltProcedure:
    actor.ensure(Permission.PUBLISH_PROCEDURES, "手続きの受付を終了")
    now = clock.now()
    with uow:
        built = _built(procedure_id, uow)
        built.withdraw(by=actor.id, at=now)
        record(uow, actor, "procedure.withdraw", "procedure", built.id, at=now)
        uow.commit()
    return built


def _built(procedure_id: str, uow: UnitOfWork) -> BuiltProcedure:
    built = uow.built_procedures.get(procedure_id)
    if built is None:
        raise NotFound("手続きが見つかりません。", code="procedure_not_found")
    return built
