"""What staff pages and the API show about benefit programs (no personal data): the programs,
one program's page with its counts and campaigns. Reads only; see `viewing_applications.py`
for looks at applications (personal data, audited)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attrs import field, frozen

from application.benefits.reach import Reach, reach_in
from application.benefits.withdrawing_program import refusal
from application.jobs.job import Job
from application.messaging.telling import ContactPolicy
from application.ports.unit_of_work import UnitOfWork
from domain.benefits import ApplicationStatus, BenefitProgram
from domain.eligibility import Campaign
from domain.errors import NotFound
from domain.reminders import Reminder

__all__ = ["CampaignRun", "ProgramPage", "ReminderRun", "Withdrawal", "campaigns",
           "find_program", "program", "program_page", "programs", "withdrawal"]


@frozen
class CampaignRun:
    campaign: Campaign
    job: Job | None


@frozen
class ReminderRun:
    reminder: Reminder
    job: Job | None  # None: not due yet
    delivered: int


@frozen
class ProgramPage:
    program: BenefitProgram
    reach: Reach
    counts: Mapping[ApplicationStatus, int]
    notice_outcomes: Mapping[str, int]  # outbox status value → count
    campaigns: Sequence[CampaignRun] = field(converter=tuple)
    reminders: Sequence[ReminderRun] = field(converter=tuple, default=())
    # the notices on each rung: (channel, delivery status value) → count
    deliveries: Mapping[tuple[str, str], int] = field(factory=dict)


@frozen
class Withdrawal:
    """What a withdrawal would take back, and why it would be refused (empty: it would not)."""

    program: BenefitProgram
    counts: Mapping[ApplicationStatus, int]
    blocked: str


def withdrawal(program_id: str, *, uow: UnitOfWork) -> Withdrawal:
    with uow:
        found = _program(program_id, uow)
        batches = uow.queries.benefits.withdrawal_blockers(program_id)
        return Withdrawal(found, uow.queries.benefits.application_counts(program_id),
                          refusal(batches) if batches else "")


def programs(*, uow: UnitOfWork) -> list[BenefitProgram]:
    with uow:
        return list(uow.queries.benefits.programs())


def program(program_id: str, *, uow: UnitOfWork) -> BenefitProgram:
    with uow:
        return _program(program_id, uow)


def find_program(key: str, *, uow: UnitOfWork) -> BenefitProgram:
    """A program by its id or its name (what an operator types at the command line)."""
    with uow:
        found = uow.programs.get(key) or uow.programs.get_by_name(key)
    if found is None:
        raise NotFound(f"給付金「{key}」が見つかりません。")
    return found


def program_page(program_id: str, *, uow: UnitOfWork, policy: ContactPolicy) -> ProgramPage:
    with uow:
        found = _program(program_id, uow)
        return ProgramPage(
            program=found, reach=reach_in(program_id, uow=uow, policy=policy),
            counts=uow.queries.benefits.application_counts(program_id),
            notice_outcomes=uow.queries.benefits.notice_outcomes(program_id),
            campaigns=_runs(program_id, uow),
            deliveries=uow.queries.benefits.notice_deliveries(program_id),
            reminders=[ReminderRun(r, uow.jobs.get(r.job_id) if r.job_id else None,
                                   uow.reminders.delivered_count(r.id))
                       for r in uow.reminders.of_program(program_id)])


def campaigns(program_id: str, *, uow: UnitOfWork) -> tuple[list[CampaignRun], dict[str, int]]:
    """The program's campaigns (newest first) with their jobs, and how its notices fared."""
    with uow:
        _program(program_id, uow)
        return _runs(program_id, uow), uow.queries.benefits.notice_outcomes(program_id)


def _program(program_id: str, uow: UnitOfWork) -> BenefitProgram:
    found = uow.programs.get(program_id)
    if found is None:
        raise NotFound("給付金が見つかりません。")
    return found


def _runs(program_id: str, uow: UnitOfWork) -> list[CampaignRun]:
    return [CampaignRun(c, uow.jobs.get(c.job_id))
            for c in uow.queries.benefits.campaigns(program_id)]
