"""Benefits (給付金): programs, the households eligible for each, their applications and the
campaigns that tell households about a program."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import composite, registry

from adapters.persistence.orm.base import ENCRYPTED_ACCOUNT, ID, metadata, writes_after
from adapters.persistence.types import EnumValue, JSONText, MoneyYen, UTCDateTime
from application.jobs.job import Job
from domain.benefits import (
    Application,
    ApplicationStatus,
    ApplicationWindow,
    BenefitProgram,
    PayoutMethod,
    ProgramStatus,
)
from domain.eligibility import Campaign, EligibleHousehold
from domain.households import Household
from domain.reminders import Reminder, ReminderDelivery

__all__ = ["applications", "benefit_programs", "campaigns", "eligible_households",
           "map_benefits", "reminder_deliveries", "reminders"]

_PAYOUT_METHODS = JSONText(dump=lambda methods: sorted(m.value for m in methods),
                           load=lambda values: frozenset(PayoutMethod(v) for v in values))

benefit_programs = Table(
    "benefit_programs", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("amount_per_household", MoneyYen, nullable=False),
    Column("eligibility_source", Text, nullable=False),
    Column("window_opens_at", UTCDateTime, nullable=False),
    Column("window_closes_at", UTCDateTime, nullable=False),
    Column("payout_methods", _PAYOUT_METHODS, nullable=False),
    Column("status", EnumValue(ProgramStatus), nullable=False),
    Column("notice_text", Text, nullable=False),
    Column("decision_text", Text, nullable=False),
    Column("rejection_text", Text, nullable=False),
    Column("withdrawal_reason", Text, nullable=False, server_default=""),
)

applications = Table(
    "applications", metadata,
    Column("id", ID, primary_key=True),
    Column("program_id", ID, ForeignKey("benefit_programs.id"), nullable=False),
    Column("household_id", ID, ForeignKey("households.id"), nullable=False),
    Column("status", EnumValue(ApplicationStatus), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("payout_method", EnumValue(PayoutMethod)),
    Column("payee_account", ENCRYPTED_ACCOUNT),
    Column("amount", MoneyYen),
    Column("notified_at", UTCDateTime),
    Column("confirmed_at", UTCDateTime),
    Column("decided_at", UTCDateTime),
    Column("decided_by", ID),
    Column("decision_reason", Text, nullable=False),
    Column("offered_account", ENCRYPTED_ACCOUNT),
    Column("notice_message_id", ID, unique=True),
    Column("account_conversation_id", ID, unique=True),
    Column("passbook_photo", String(128)),
    Column("account_checked_by", ID),
    Column("account_checked_at", UTCDateTime),
    Column("entered_by", ID),
    Column("account_entered_by", ID),  # staff who typed a corrected account (checked by another)
    Column("account_entered_party", String(128)),  # its party: the checker must be another
    Column("version", Integer, nullable=False, server_default="1"),  # a double tap: one wins
    UniqueConstraint("program_id", "household_id"),
    Index("ix_applications_program_id_status", "program_id", "status"),
    Index("ix_applications_household_id_status", "household_id", "status"),
    # the staff list's pages: in the order applications arrived, of one status or all
    Index("ix_applications_program_confirmed", "program_id", "confirmed_at", "id"),
    Index("ix_applications_program_status_confirmed", "program_id", "status", "confirmed_at",
          "id"),
    # of one channel (郵送: the passbooks to check); the program's notices' outcomes (ADR 0067)
    Index("ix_applications_program_channel_confirmed", "program_id", "channel", "confirmed_at",
          "id"),
    Index("ix_applications_program_notice", "program_id", "notice_message_id"),
    Index("ix_applications_status", "status"),  # the dashboard's count by status
)

eligible_households = Table(
    "eligible_households", metadata,
    Column("id", ID, primary_key=True),
    Column("program_id", ID, ForeignKey("benefit_programs.id"), nullable=False),
    Column("household_id", ID, ForeignKey("households.id"), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("source_row", Integer),
    UniqueConstraint("program_id", "household_id"),
)

campaigns = Table(
    "campaigns", metadata,
    Column("id", ID, primary_key=True),
    Column("program_id", ID, ForeignKey("benefit_programs.id"), nullable=False, index=True),
    Column("job_id", ID, ForeignKey("jobs.id"), nullable=False, unique=True),
    Column("started_by", ID, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("recipients", Integer, nullable=False),
)

reminders = Table(
    "reminders", metadata,
    Column("id", ID, primary_key=True),
    Column("program_id", ID, ForeignKey("benefit_programs.id"), nullable=False),
    Column("days_before", Integer, nullable=False),
    Column("due_at", UTCDateTime, nullable=False, index=True),
    Column("created_by", ID, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("job_id", ID, ForeignKey("jobs.id"), unique=True),
    Column("version", Integer, nullable=False, server_default="1"),  # two schedulers: one wins
    UniqueConstraint("program_id", "days_before"),
)

reminder_deliveries = Table(
    "reminder_deliveries", metadata,
    Column("id", ID, primary_key=True),
    Column("reminder_id", ID, ForeignKey("reminders.id"), nullable=False),
    Column("household_id", ID, ForeignKey("households.id"), nullable=False),
    Column("message_id", ID, nullable=False, unique=True),
    Column("sent_at", UTCDateTime, nullable=False),
    UniqueConstraint("reminder_id", "household_id"),  # at most once per household
)


def map_benefits(mappers: registry) -> None:
    m = mappers.map_imperatively
    m(BenefitProgram, benefit_programs, properties={
        "window": composite(ApplicationWindow, benefit_programs.c.window_opens_at,
                            benefit_programs.c.window_closes_at),
    })
    m(Application, applications, version_id_col=applications.c.version, properties={
        "_program": writes_after(BenefitProgram, applications.c.program_id),
        "_household": writes_after(Household, applications.c.household_id),
    })
    m(EligibleHousehold, eligible_households, properties={
        "_program": writes_after(BenefitProgram, eligible_households.c.program_id),
        "_household": writes_after(Household, eligible_households.c.household_id),
    })
    m(Campaign, campaigns, properties={
        "_program": writes_after(BenefitProgram, campaigns.c.program_id),
        "_job": writes_after(Job, campaigns.c.job_id),
    })
    m(Reminder, reminders, version_id_col=reminders.c.version, properties={
        "_program": writes_after(BenefitProgram, reminders.c.program_id),
        "_job": writes_after(Job, reminders.c.job_id),
    })
    m(ReminderDelivery, reminder_deliveries, properties={
        "_reminder": writes_after(Reminder, reminder_deliveries.c.reminder_id),
        "_household": writes_after(Household, reminder_deliveries.c.household_id),
    })
