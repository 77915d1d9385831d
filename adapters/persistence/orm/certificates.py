"""Certificates (住民票の写し and the like): requests, their fee payment and their issue."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import registry

from adapters.persistence.orm.base import ID, metadata, payment_attempt_columns, writes_after
from adapters.persistence.types import EnumValue, JSONText, MoneyYen, UTCDateTime
from domain.certificates import (
    CertificateKind,
    CertificateRequest,
    Delivery,
    IssueState,
    PaymentState,
)
from domain.residents import Resident

__all__ = ["certificate_requests", "map_certificates"]

_ITEMS = JSONText(dump=sorted, load=frozenset)

certificate_requests = Table(
    "certificate_requests", metadata,
    Column("id", ID, primary_key=True),
    Column("requester_id", ID, ForeignKey("residents.id"), nullable=False),
    Column("subject_id", ID, ForeignKey("residents.id"), nullable=False),
    Column("kind", EnumValue(CertificateKind), nullable=False),
    Column("copies", Integer, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("fee_per_copy", MoneyYen, nullable=False),
    Column("postage", MoneyYen, nullable=False),
    Column("items", _ITEMS, nullable=False),
    Column("delivery", EnumValue(Delivery), nullable=False),
    Column("payment_state", EnumValue(PaymentState), nullable=False),
    Column("payment_reference", String(64), unique=True),
    Column("issue_state", EnumValue(IssueState), nullable=False),
    Column("tracking_number", String(64)),
    Column("rejection_reason", Text, nullable=False),
    Column("requested_at", UTCDateTime),
    *payment_attempt_columns(),
    Column("issued_at", UTCDateTime),
    Column("mailed_at", UTCDateTime),
    Column("issued_by", ID),
    Column("version", Integer, nullable=False),  # two staff, or a return and the expiry job
    Index("ix_certificate_requests_queue", "payment_state", "issue_state", "paid_at"),
    Index("ix_certificate_requests_pending", "payment_state", "payment_started_at"),
)


def map_certificates(mappers: registry) -> None:
    mappers.map_imperatively(
        CertificateRequest, certificate_requests, version_id_col=certificate_requests.c.version,
        properties={
            "_requester": writes_after(Resident, certificate_requests.c.requester_id),
            "_subject": writes_after(Resident, certificate_requests.c.subject_id),
        })
