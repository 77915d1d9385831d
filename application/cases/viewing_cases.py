"""Staff look at the inbox: the cases of their departments by status with counts, and one case
with its answers, photos, thread, and whether each reply reached the resident. Each look is
audited in the transaction that reads it (what residents wrote is personal data)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.attachments import StoredAttachment
from application.audit.recording import record
from application.cases.access import visible_departments, workable_case
from application.keeping_attachment import keep_attachment
from application.messaging.outbox import DeliveryStatus
from application.ports.attachments import AttachmentSource
from application.ports.case_queries import CaseLine
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.cases import CaseEntry, CaseStatus, Department, InboxCase
from domain.channels import ChannelIdentity
from domain.consultations import Consultation
from domain.errors import NotFound
from domain.fees import FeePayment

__all__ = ["CaseFile", "CaseList", "list_cases", "view_case", "view_case_photo"]


@frozen
class CaseList:
    cases: Sequence[CaseLine] = field(converter=tuple)  # the columns the list shows only
    counts: Mapping[CaseStatus, int]
    departments: Mapping[str, Department]  # id → the department, for the names
    staff_names: Mapping[str, str]  # assignees' display names
    mine: bool  # the actor's departments only (False: an administrator sees every one)


@frozen
class CaseFile:
    case: InboxCase
    department: Department | None
    entries: Sequence[CaseEntry] = field(converter=tuple)
    deliveries: Mapping[str, DeliveryStatus]  # a reply's outbox id → where it stands
    staff_names: Mapping[str, str]
    identity: ChannelIdentity | None
    departments: Sequence[Department] = field(converter=tuple, factory=tuple)
    consultation: Consultation | None = None  # 相談: its live side (ADR 0046)
    fee: FeePayment | None = None  # the fee paid before it was opened (ADR 0053)


def list_cases(*, status: CaseStatus | None, actor: Actor, uow: UnitOfWork,
               clock: Clock) -> CaseList:
    actor.ensure(Permission.HANDLE_CASES, "案件の一覧を閲覧")
    with uow:
        visible = visible_departments(actor, uow)
        found = list(uow.queries.cases.lines(departments=visible, status=status))
        counts = uow.queries.cases.counts(departments=visible)
        departments = {d.id: d for d in uow.departments.all()}
        names = _staff_names(uow, {c.assignee_id for c in found if c.assignee_id})
        record(uow, actor, "case.list", "case", at=clock.now(), shown=len(found),
               **({"case_status": status.value} if status else {}))
        uow.commit()
    return CaseList(found, counts, departments, names, mine=visible is not None)


def view_case(case_id: str, *, actor: Actor, uow: UnitOfWork, clock: Clock) -> CaseFile:
    with uow:
        case = workable_case(case_id, actor, uow, "案件を閲覧")
        entries = uow.case_entries.of_case(case.id)
        outbox = uow.outbox.get_many([e.outbox_id for e in entries if e.outbox_id])
        names = _staff_names(uow, {e.staff_id for e in entries if e.staff_id}
                             | ({case.assignee_id} if case.assignee_id else set()))
        department = uow.departments.get(case.department_id) if case.department_id else None
        file = CaseFile(case, department, entries,
                        {i: m.delivery_status for i, m in outbox.items()}, names,
                        uow.channel_identities.get(case.identity_id), uow.departments.all(),
                        uow.consultations.get(case.id), uow.fee_payments.of_case(case.id))
        record(uow, actor, "case.view", "case", case.id, at=clock.now())
        uow.commit()
    return file


def view_case_photo(case_id: str, ref: str, *, actor: Actor, source: AttachmentSource,
                    uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
                    clock: Clock) -> StoredAttachment:
    """A photo of the case (with its answers, or sent into its thread), kept encrypted
    (fetched from the channel first if it is not kept yet)."""
    with uow_factory() as uow:
        case = workable_case(case_id, actor, uow, "案件の写真を閲覧")
        refs = set(case.photos) | {e.photo_ref for e in uow.case_entries.of_case(case.id)
                                   if e.photo_ref}
    if ref not in refs:
        raise NotFound("この案件にその写真はありません。", code="no_case_photo")
    if keep_attachment(ref, source=source, uow=uow_factory(), ids=ids, clock=clock) is None:
        raise NotFound("写真をLINEから取得できませんでした（保存期間が過ぎた可能性が"
                       "あります）。住民に再送を依頼してください。", code="photo_gone")
    with uow_factory() as uow:
        kept = uow.attachments.get_by_ref(ref)
        if kept is None:  # pragma: no cover - kept just above; attachments are never deleted
            raise NotFound("写真が見つかりません。", code="photo_gone")
        record(uow, actor, "case.photo_view", "case", case_id, at=clock.now())
        uow.commit()
    return kept


def _staff_names(uow: UnitOfWork, staff_ids: set[str]) -> dict[str, str]:
    found = {staff_id: uow.staff.get(staff_id) for staff_id in staff_ids}
    return {staff_id: member.display_name for staff_id, member in found.items() if member}
