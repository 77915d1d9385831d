"""Repositories of benefit programs, applications, eligible households and campaigns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from adapters.persistence.errors import constraint_name, is_unique_violation
from adapters.persistence.many import one_of
from adapters.persistence.orm.benefits import (
    applications,
    eligible_households,
    reminder_deliveries,
)
from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.sqlite_writers import take_turn
from application.ports.unit_of_work import DuplicateError
from domain.benefits import Application, ApplicationStatus, BenefitProgram, PayoutMethod
from domain.eligibility import Campaign, EligibleHousehold
from domain.reminders import Reminder, ReminderDelivery
from domain.values import BankAccount

__all__ = [
    "SqlApplicationRepository",
    "SqlCampaignRepository",
    "SqlEligibilityRepository",
    "SqlProgramRepository",
    "SqlReminderRepository",
]


def _application_row(application: Application) -> dict[str, object]:
    return {**{name: getattr(application, name) for name in _APPLICATION_COLUMNS},
            "version": 1}


_APPLICATION_COLUMNS = tuple(c.name for c in applications.columns if c.name != "version")


class SqlProgramRepository(SqlRepository):
    model = BenefitProgram

    def get_by_name(self, name: str) -> BenefitProgram | None:
        return self._one(BenefitProgram.name == name)


class SqlApplicationRepository(SqlRepository):
    model = Application

    def add_notified(self, new: Sequence[Application]) -> None:
        """One executemany through the table: its column types bind the values (the accounts
        encrypted, amounts and times as the mapper writes them); the version starts at 1.
        New applications carry no events and no loaded relations, so nothing is tracked."""
        if not new:
            return
        if self.session.get_bind().dialect.name == "sqlite":
            take_turn(self.session)  # as a flush would, before SQLite's lock
        try:
            self.session.execute(insert(applications), [_application_row(a) for a in new])
        except IntegrityError as error:
            if is_unique_violation(error):
                raise DuplicateError(constraint_name(error)) from error
            raise

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
            .where(one_of(self.session, applications.c.household_id, household_ids),
                   applications.c.status == ApplicationStatus.PAID,
                   applications.c.payout_method == PayoutMethod.BANK_TRANSFER,
                   applications.c.payee_account.is_not(None))
            .order_by(applications.c.confirmed_at)).all()
        return {household_id: account for household_id, account in rows}  # the latest wins


class SqlEligibilityRepository(SqlRepository):
    model = EligibleHousehold

    def existing_among(self, program_id: str, household_ids: Sequence[str]) -> set[str]:
        if not household_ids:
            return set()
        return set(self.session.scalars(
            select(eligible_households.c.household_id).where(
                eligible_households.c.program_id == program_id,
                eligible_households.c.household_id.in_(list(household_ids)))))

    def contains(self, program_id: str, household_id: str) -> bool:
        return self.session.scalar(
            select(eligible_households.c.id).where(
                eligible_households.c.program_id == program_id,
                eligible_households.c.household_id == household_id)) is not None

    def page(self, program_id: str, *, after: str, limit: int) -> Sequence[str]:
        return self.session.scalars(
            select(eligible_households.c.household_id)
            .where(eligible_households.c.program_id == program_id,
                   eligible_households.c.household_id > after)
            .order_by(eligible_households.c.household_id).limit(limit)).all()


class SqlCampaignRepository(SqlRepository):
    model = Campaign


class SqlReminderRepository(SqlRepository):
    """Reminders (督促) and their deliveries, one per reminder and household."""

    model = Reminder

    def of_program(self, program_id: str) -> Sequence[Reminder]:
        found = self.session.scalars(
            select(Reminder).where(Reminder.program_id == program_id)
            .order_by(Reminder.due_at)).all()
        self.tracked.update(found)
        return found

    def due(self, now: dt.datetime) -> Sequence[Reminder]:
        """Reminders whose time came and whose send has not started."""
        found = self.session.scalars(
            select(Reminder).where(Reminder.due_at <= now, Reminder.job_id.is_(None))
            .order_by(Reminder.due_at)).all()
        self.tracked.update(found)
        return found

    def started(self) -> Sequence[Reminder]:
        """Reminders whose send was started (to resume a send that failed)."""
        return self.session.scalars(
            select(Reminder).where(Reminder.job_id.is_not(None))).all()

    def add_delivery(self, delivery: ReminderDelivery) -> None:
        self.session.add(delivery)

    def delivered_among(self, reminder_id: str, household_ids: Sequence[str]) -> set[str]:
        if not household_ids:
            return set()
        return set(self.session.scalars(
            select(reminder_deliveries.c.household_id)
            .where(reminder_deliveries.c.reminder_id == reminder_id,
                   reminder_deliveries.c.household_id.in_(list(household_ids)))))

    def delivered_count(self, reminder_id: str) -> int:
        return self.session.scalar(
            select(func.count()).select_from(reminder_deliveries)
            .where(reminder_deliveries.c.reminder_id == reminder_id)) or 0
