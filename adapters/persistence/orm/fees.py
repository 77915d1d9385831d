"""A procedure's fee waiting to be paid, then the record of its payment beside its case
(ADR 0053). The answers kept until it is paid are encrypted; the references the money depends
on are unique (one attempt per reference, one refund per fee, one fee per case)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import registry

from adapters.persistence.orm.base import ID, metadata, payment_attempt_columns
from adapters.persistence.types import EncryptedJSON, EnumValue, MoneyYen, UTCDateTime
from domain.fees import FeePayment
from domain.payments import PaymentState

__all__ = ["fee_payments", "map_fees"]

fee_payments = Table(
    "fee_payments", metadata,
    Column("id", ID, primary_key=True),
    Column("procedure_id", String(64), nullable=False),
    Column("identity_id", ID, ForeignKey("channel_identities.id"), nullable=False),
    Column("resident_id", ID, ForeignKey("residents.id")),
    Column("conversation_id", ID),
    Column("label", String(40), nullable=False),
    Column("unit_amount", MoneyYen, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit", String(5), nullable=False),
    Column("answers", EncryptedJSON(dict, dict), nullable=False),  # until the case is opened
    Column("created_at", UTCDateTime, nullable=False),
    Column("case_id", ID, ForeignKey("cases.id"), unique=True),
    Column("payment_state", EnumValue(PaymentState), nullable=False),
    Column("payment_reference", String(64), unique=True),
    *payment_attempt_columns(),
    Column("refunded_by", String(128)),
    Column("version", Integer, nullable=False),  # a return, the expiry job, a refund
    Index("ix_fee_payments_pending", "payment_state", "payment_started_at"),
    Index("ix_fee_payments_unpaid", "payment_state", "created_at"),
)


def map_fees(mappers: registry) -> None:
    mappers.map_imperatively(FeePayment, fee_payments, version_id_col=fee_payments.c.version)
