"""Disbursements (支払): one payment per approved application, the payment batches that carry
them to the bank (with their audit entries), and cash payouts picked up with a code."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import registry

from adapters.persistence.orm.base import (
    ENCRYPTED_ACCOUNT,
    ENCRYPTED_TEXT,
    ID,
    metadata,
    writes_after,
)
from adapters.persistence.types import EnumValue, JSONText, MoneyYen, UTCDateTime
from domain.batches import BatchState, PaymentAuditEntry, PaymentBatch
from domain.benefits import Application, BenefitProgram, PayoutMethod
from domain.cash_payouts import CashPayout, CashPayoutState
from domain.disbursements import Disbursement, DisbursementStatus

__all__ = ["cash_payouts", "disbursements", "map_disbursements", "payment_audit_entries",
           "payment_batches"]


class _BigMoneyYen(MoneyYen):
    """A batch total can pass 2,147,483,647 yen."""

    impl = BigInteger
    cache_ok = True


disbursements = Table(
    "disbursements", metadata,
    Column("id", ID, primary_key=True),
    Column("application_id", ID, ForeignKey("applications.id"), nullable=False),
    Column("amount", MoneyYen, nullable=False),
    Column("method", EnumValue(PayoutMethod), nullable=False),
    Column("payee_account", ENCRYPTED_ACCOUNT),
    Column("cash_code", String(64)),
    Column("batch_id", ID, index=True),
    Column("status", EnumValue(DisbursementStatus), nullable=False),
    Column("failure_reason", Text, nullable=False),
    Column("created_at", UTCDateTime),
    Column("settled_at", UTCDateTime),
    # At most one live (not failed, not cancelled) disbursement per application: never paid twice.
    Index("uq_disbursements_live_application", "application_id", unique=True,
          sqlite_where=text("status NOT IN ('failed', 'cancelled')"),
          postgresql_where=text("status NOT IN ('failed', 'cancelled')")),
    Index("ix_disbursements_batch_id_id", "batch_id", "id"),  # a batch's payees, page by page
    Index("ix_disbursements_batch_id_status", "batch_id", "status", "id"),  # its failures
)

payment_batches = Table(
    "payment_batches", metadata,
    Column("id", ID, primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("program_id", ID, ForeignKey("benefit_programs.id"), nullable=False, index=True),
    Column("method", EnumValue(PayoutMethod), nullable=False),
    Column("transfer_date", Date, nullable=False),
    Column("count", Integer, nullable=False),
    Column("total", _BigMoneyYen, nullable=False),
    Column("state", EnumValue(BatchState), nullable=False),
    Column("created_by", String(64), nullable=False),
    # who is accountable for created_by (ADR 0033): the approver must be another party
    Column("created_party", String(128), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("approved_by", String(64)),
    Column("approved_at", UTCDateTime),
    Column("exported_by", String(64)),
    Column("exported_at", UTCDateTime),
    Column("export_digest", String(64)),
    Column("originator", JSONText()),
    Column("closed_at", UTCDateTime),
    Column("cancelled_by", String(64)),
    Column("cancelled_at", UTCDateTime),
    Column("cancel_reason", Text, nullable=False),
    Column("version", Integer, nullable=False),  # two staff approving or exporting at once
)

payment_audit_entries = Table(
    "payment_audit_entries", metadata,
    Column("id", ID, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("batch_id", ID, index=True),
    Column("disbursement_id", ID, index=True),
    Column("detail", Text, nullable=False),
)

cash_payouts = Table(
    "cash_payouts", metadata,
    Column("id", ID, primary_key=True),
    Column("disbursement_id", ID, ForeignKey("disbursements.id"), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("reference", String(64), nullable=False, unique=True),
    Column("pickup_code", ENCRYPTED_TEXT, nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("state", EnumValue(CashPayoutState), nullable=False),
    Column("picked_up_at", UTCDateTime),
    # One code that can still be picked up per payment.
    Index("uq_cash_payouts_issued_disbursement", "disbursement_id", unique=True,
          sqlite_where=text("state = 'issued'"), postgresql_where=text("state = 'issued'")),
)


def map_disbursements(mappers: registry) -> None:
    m = mappers.map_imperatively
    m(Disbursement, disbursements, properties={
        "_application": writes_after(Application, disbursements.c.application_id),
    })
    m(PaymentBatch, payment_batches, version_id_col=payment_batches.c.version, properties={
        "_program": writes_after(BenefitProgram, payment_batches.c.program_id),
    })
    m(PaymentAuditEntry, payment_audit_entries)
    m(CashPayout, cash_payouts, properties={
        "_disbursement": writes_after(Disbursement, cash_payouts.c.disbursement_id),
    })
