"""Staff (or an integrator) look at a program's applications: the list, one application with
its account, and the passbook photo the resident sent. Which household applied for a benefit is
personal data: each look is audited in the transaction that reads it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.attachments import StoredAttachment
from application.audit.recording import record
from application.keeping_attachment import keep_attachment
from application.ports.attachments import AttachmentSource
from application.ports.clock import Clock, IdGenerator
from application.ports.queries import ApplicationFilter
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.benefits import Application, ApplicationStatus, BenefitProgram
from domain.errors import NotFound

__all__ = [
    "ApplicationFile",
    "ApplicationList",
    "list_applications",
    "view_application",
    "view_passbook",
]


@frozen
class ApplicationList:
    applications: Sequence[Application] = field(converter=tuple)
    household_numbers: Mapping[str, str]  # household id → 世帯番号
    counts: Mapping[ApplicationStatus, int]  # the whole program's, by status


@frozen
class ApplicationFile:
    application: Application
    program: BenefitProgram
    household_number: str


def list_applications(program_id: str, wanted: ApplicationFilter, *, actor: Actor,
                      uow: UnitOfWork, clock: Clock) -> ApplicationList:
    actor.ensure(Permission.HANDLE_APPLICATIONS, "申請を閲覧")
    with uow:
        if uow.programs.get(program_id) is None:
            raise NotFound("給付金が見つかりません。")
        found = list(uow.queries.benefits.applications(program_id, wanted))
        households = uow.households.by_ids([a.household_id for a in found])
        counts = uow.queries.benefits.application_counts(program_id)
        record(uow, actor, "application.list", "program", program_id, at=clock.now(),
               shown=len(found))
        uow.commit()
    return ApplicationList(found, {h.id: h.household_number for h in households.values()},
                           counts)


def view_application(application_id: str, *, actor: Actor, uow: UnitOfWork,
                     clock: Clock) -> ApplicationFile:
    actor.ensure(Permission.HANDLE_APPLICATIONS, "申請を閲覧")
    with uow:
        file = _file(application_id, uow)
        record(uow, actor, "application.view", "application", application_id, at=clock.now())
        uow.commit()
    return file


def view_passbook(application_id: str, *, actor: Actor, source: AttachmentSource,
                  uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
                  clock: Clock) -> StoredAttachment:
    """The photo, kept encrypted (fetched from the channel first if it is not kept yet)."""
    actor.ensure(Permission.HANDLE_APPLICATIONS, "通帳の写真を閲覧")
    with uow_factory() as uow:
        ref = _file(application_id, uow).application.passbook_photo
    if ref is None:
        raise NotFound("この申請には通帳の写真がありません。", code="no_passbook_photo")
    if keep_attachment(ref, source=source, uow=uow_factory(), ids=ids, clock=clock) is None:
        raise NotFound("通帳の写真をLINEから取得できませんでした（保存期間が過ぎた可能性が"
                       "あります）。住民に再送を依頼してください。", code="photo_gone")
    with uow_factory() as uow:
        kept = uow.attachments.get_by_ref(ref)
        if kept is None:  # pragma: no cover - kept just above; attachments are never deleted
            raise NotFound("通帳の写真が見つかりません。", code="photo_gone")
        record(uow, actor, "application.passbook_view", "application", application_id,
               at=clock.now())
        uow.commit()
    return kept


def _file(application_id: str, uow: UnitOfWork) -> ApplicationFile:
    """Inside `with uow:`."""
    application = uow.applications.get(application_id)
    if application is None:
        raise NotFound("申請が見つかりません。")
    program = uow.programs.get(application.program_id)
    household = uow.households.by_ids([application.household_id]).get(
        application.household_id)
    if program is None:  # pragma: no cover - programs are never deleted
        raise NotFound("給付金が見つかりません。")
    return ApplicationFile(application, program, household.household_number if household else "")
