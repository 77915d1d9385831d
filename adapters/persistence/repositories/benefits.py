"""Repositories of benefit programs, applications, eligible households and campaigns."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, func, select

from adapters.persistence.orm.benefits import applications, eligible_households
from adapters.persistence.orm.messaging import channel_identities, outbox
from adapters.persistence.orm.residents import households, residents
from adapters.persistence.repositories.base import SqlRepository
from domain.benefits import (
    Application,
    ApplicationStatus,
    BenefitProgram,
    Campaign,
    EligibleHousehold,
    PayoutMethod,
)
from domain.channels import IdentityStatus
from domain.residents import VerificationState
from domain.values import BankAccount

__all__ = [
    "SqlApplicationRepository",
    "SqlCampaignRepository",
    "SqlEligibilityRepository",
    "SqlProgramRepository",
]


class SqlProgramRepository(SqlRepository):
    model = BenefitProgram

    def get_by_name(self, name: str) -> BenefitProgram | None:
        return self._one(BenefitProgram.name == name)

    def list(self) -> Sequence[BenefitProgram]:
        programs = self.session.scalars(
            select(BenefitProgram).order_by(BenefitProgram.window_opens_at.desc(),
                                            BenefitProgram.name)
        ).all()
        self.tracked.update(programs)
        return programs


class SqlApplicationRepository(SqlRepository):
    model = Application

    def get_for(self, program_id: str, household_id: str) -> Application | None:
        return self._one(Application.program_id == program_id,
                         Application.household_id == household_id)

    def list_for_program(self, program_id: str) -> Sequence[Application]:
        found = self.session.scalars(
            select(Application).where(Application.program_id == program_id)
            .order_by(Application.id)
        ).all()
        self.tracked.update(found)
        return found


    def by_ids(self, application_ids: Sequence[str]) -> dict[str, Application]:
        found = self.session.scalars(
            select(Application).where(Application.id.in_(list(application_ids)))).all()
        self.tracked.update(found)
        return {application.id: application for application in found}

    def for_households(self, program_id: str,
                       household_ids: Sequence[str]) -> dict[str, Application]:
        if not household_ids:
            return {}
        found = self.session.scalars(select(Application).where(
            Application.program_id == program_id,
            Application.household_id.in_(list(household_ids)))).all()
        self.tracked.update(found)
        return {application.household_id: application for application in found}

    def of_household(self, household_id: str) -> Sequence[Application]:
        found = self.session.scalars(
            select(Application).where(Application.household_id == household_id)
            .order_by(Application.id.desc())).all()
        self.tracked.update(found)
        return found

    def get_by_account_conversation(self, conversation_id: str) -> Application | None:
        return self._one(Application.account_conversation_id == conversation_id)

    def paid_accounts(self, household_ids: Sequence[str]) -> dict[str, BankAccount]:
        if not household_ids:
            return {}
        rows = self.session.execute(
            select(applications.c.household_id, applications.c.payee_account)
            .where(applications.c.household_id.in_(list(household_ids)),
                   applications.c.status == ApplicationStatus.PAID,
                   applications.c.payout_method == PayoutMethod.BANK_TRANSFER,
                   applications.c.payee_account.is_not(None))
            .order_by(applications.c.confirmed_at)).all()
        return {household_id: account for household_id, account in rows}  # the latest wins

    def search(self, program_id: str, *, statuses: Sequence[ApplicationStatus] = (),
               channel: str | None = None, awaiting_account_check: bool | None = None,
               limit: int = 100, offset: int = 0) -> Sequence[Application]:
        query = select(Application).where(Application.program_id == program_id)
        if statuses:
            query = query.where(Application.status.in_(list(statuses)))
        if channel:
            query = query.where(Application.channel == channel)
        if awaiting_account_check is not None:
            awaiting = and_(applications.c.passbook_photo.is_not(None),
                            applications.c.account_checked_at.is_(None))
            query = query.where(awaiting if awaiting_account_check else ~awaiting)
        found = self.session.scalars(
            query.order_by(Application.confirmed_at, Application.id)
            .limit(limit).offset(offset)).all()
        self.tracked.update(found)
        return found

    def count_by_status(self, program_id: str) -> dict[ApplicationStatus, int]:
        rows = self.session.execute(
            select(applications.c.status, func.count())
            .where(applications.c.program_id == program_id)
            .group_by(applications.c.status)).all()
        return dict(rows)  # type: ignore[arg-type]

    def notice_outcomes(self, program_id: str) -> dict[str, int]:
        rows = self.session.execute(
            select(outbox.c.status, func.count())
            .select_from(applications.join(outbox, outbox.c.id == applications.c.notice_message_id))
            .where(applications.c.program_id == program_id)
            .group_by(outbox.c.status)).all()
        return {status.value: count for status, count in rows}


class SqlEligibilityRepository(SqlRepository):
    model = EligibleHousehold

    def existing_among(self, program_id: str, household_ids: Sequence[str]) -> set[str]:
        if not household_ids:
            return set()
        return set(self.session.scalars(
            select(eligible_households.c.household_id).where(
                eligible_households.c.program_id == program_id,
                eligible_households.c.household_id.in_(list(household_ids)))))

    def count_for(self, program_id: str) -> int:
        return self.session.scalar(
            select(func.count()).select_from(eligible_households)
            .where(eligible_households.c.program_id == program_id)) or 0

    def contains(self, program_id: str, household_id: str) -> bool:
        return self.session.scalar(
            select(eligible_households.c.id).where(
                eligible_households.c.program_id == program_id,
                eligible_households.c.household_id == household_id)) is not None

    def reach_counts(self, program_id: str, channel: str) -> tuple[int, int]:
        reachable = (
            select(channel_identities.c.id)
            .join(residents, residents.c.id == channel_identities.c.resident_id)
            .where(channel_identities.c.resident_id == households.c.head_resident_id,
                   channel_identities.c.channel == channel,
                   channel_identities.c.status == IdentityStatus.FOLLOWING,
                   residents.c.verification_state == VerificationState.VERIFIED)
            .exists())
        row = self.session.execute(
            select(func.count(), func.count().filter(reachable))
            .select_from(eligible_households.join(
                households, households.c.id == eligible_households.c.household_id))
            .where(eligible_households.c.program_id == program_id)).one()
        return int(row[0]), int(row[1])

    def page(self, program_id: str, *, after: str, limit: int) -> Sequence[str]:
        return self.session.scalars(
            select(eligible_households.c.household_id)
            .where(eligible_households.c.program_id == program_id,
                   eligible_households.c.household_id > after)
            .order_by(eligible_households.c.household_id).limit(limit)).all()


class SqlCampaignRepository(SqlRepository):
    model = Campaign

    def for_program(self, program_id: str) -> Sequence[Campaign]:
        found = self.session.scalars(
            select(Campaign).where(Campaign.program_id == program_id)
            .order_by(Campaign.started_at.desc())).all()
        self.tracked.update(found)
        return found
