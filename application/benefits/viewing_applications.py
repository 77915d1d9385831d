"""Staff (or an integrator) look at a program's applications: the list, one application with
its account, and the passbook photo the resident sent. Which household applied for a benefit is
personal data: each look is audited in the transaction that reads it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs
from attrs import field, frozen

from application.access.actor import Actor
from application.attachments import StoredAttachment
from application.audit.recording import record
from application.benefits.applicants import Applicant, ShownAccount, applicants, shown_account
from application.keeping_attachment import keep_attachment
from application.ports.attachments import AttachmentSource
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock, IdGenerator
from application.ports.matching import MatchKeyer
from application.ports.queries import ApplicationFilter
from application.ports.unit_of_work import UnitOfWork
from application.residents.searching_residents import name_keys
from domain.access import Permission
from domain.benefits import Application, ApplicationStatus, BenefitProgram
from domain.errors import InvalidValue, NotFound

__all__ = [
    "ApplicationFile",
    "ApplicationList",
    "ApplicationSearch",
    "list_applications",
    "view_application",
    "view_passbook",
]


@frozen
class ApplicationSearch:
    """What staff typed to find a household's application: 世帯番号, 宛名番号 (of any member),
    or a member's name (kanji or kana) with the date of birth (ADR 0013: never a name alone)."""

    household_number: str = ""
    resident_number: str = ""
    name: str = ""
    date_of_birth: str = ""

    @property
    def given(self) -> bool:
        return any((self.household_number.strip(), self.resident_number.strip(),
                    self.name.strip(), self.date_of_birth.strip()))


@frozen
class ApplicationList:
    applications: Sequence[Application] = field(converter=tuple)
    household_numbers: Mapping[str, str]  # household id → 世帯番号
    counts: Mapping[ApplicationStatus, int]  # the whole program's, by status
    heads: Mapping[str, Applicant] = field(factory=dict)  # household id → its head


@frozen
class ApplicationFile:
    application: Application
    program: BenefitProgram
    household_number: str
    head: Applicant | None = None
    account: ShownAccount | None = None  # the payee account, in full (beside the photo)
    offered: ShownAccount | None = None  # the account on file the notice offered, masked


def list_applications(program_id: str, wanted: ApplicationFilter, *, actor: Actor,
                      uow: UnitOfWork, clock: Clock, search: ApplicationSearch | None = None,
                      keyer: MatchKeyer | None = None) -> ApplicationList:
    """A page of the program's applications with each household's head (one audit record for
    the page, however many lines it shows)."""
    actor.ensure(Permission.HANDLE_APPLICATIONS, "申請を閲覧")
    wanted = _searching(wanted, search, keyer)
    with uow:
        if uow.programs.get(program_id) is None:
            raise NotFound("給付金が見つかりません。")
        found = list(uow.queries.benefits.applications(program_id, wanted))
        households = uow.households.heads([a.household_id for a in found])
        people = applicants(uow, [h.head_resident_id for h in households.values()])
        counts = uow.queries.benefits.application_counts(program_id)
        facts: dict[str, str | int | bool] = {"shown": len(found)}
        if wanted.searching:
            facts["searched"] = True  # never what was typed
        record(uow, actor, "application.list", "program", program_id, at=clock.now(), **facts)
        uow.commit()
    return ApplicationList(
        found, {h.id: h.household_number for h in households.values()}, counts,
        heads={h.id: people[h.head_resident_id] for h in households.values()
               if h.head_resident_id in people})


def view_application(application_id: str, *, actor: Actor, uow: UnitOfWork,
                     clock: Clock, banks: BankMaster | None = None) -> ApplicationFile:
    """The application with its household's head and the account by its bank's and branch's
    names (given the bank master)."""
    actor.ensure(Permission.HANDLE_APPLICATIONS, "申請を閲覧")
    with uow:
        file = _file(application_id, uow)
        head_ids = uow.households.heads([file.application.household_id])
        if file.application.household_id in head_ids:
            head_id = head_ids[file.application.household_id].head_resident_id
            file = attrs.evolve(file, head=applicants(uow, [head_id]).get(head_id))
        record(uow, actor, "application.view", "application", application_id, at=clock.now())
        uow.commit()
    if banks is not None:
        application = file.application
        file = attrs.evolve(
            file,
            account=(shown_account(application.payee_account, banks, full=True)
                     if application.payee_account else None),
            offered=(shown_account(application.offered_account, banks)
                     if application.offered_account else None))
    return file


def _searching(wanted: ApplicationFilter, search: ApplicationSearch | None,
               keyer: MatchKeyer | None) -> ApplicationFilter:
    if search is None or not search.given:
        return wanted
    household, resident = search.household_number.strip(), search.resident_number.strip()
    if len(household) > 32 or len(resident) > 32:
        raise InvalidValue("世帯番号・宛名番号は32文字以内で入力してください。")
    persons: list[str] = []
    readings: list[str] = []
    if search.name.strip() or search.date_of_birth.strip():
        if keyer is None:  # pragma: no cover - every entrypoint passes the town's keyer
            raise InvalidValue("氏名では探せません。")
        persons, readings = name_keys(search.name, search.date_of_birth, keyer)
    return attrs.evolve(wanted, household_number=household or None,
                        resident_number=resident or None, person_keys=persons,
                        reading_keys=readings)


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
