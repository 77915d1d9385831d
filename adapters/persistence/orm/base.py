"""What every context's tables and mapping share: the `MetaData` (with its naming convention),
the id column type, the encrypted column types used in more than one context, the columns of
a fee paid online, and `writes_after` for the order of inserts."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Text
from sqlalchemy.orm import relationship

from adapters.persistence import codecs
from adapters.persistence.types import EncryptedJSON, UTCDateTime

__all__ = ["ENCRYPTED_ACCOUNT", "ENCRYPTED_TEXT", "ID", "metadata", "payment_attempt_columns",
           "writes_after"]

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

ID = String(32)

ENCRYPTED_TEXT = EncryptedJSON(str, str)
ENCRYPTED_ACCOUNT = EncryptedJSON(codecs.account_to_json, codecs.account_from_json)


def payment_attempt_columns() -> list[Column]:  # type: ignore[type-arg]
    """The attempts with the payment gateway and the refund of a fee paid online
    (`domain.payments.FeePayable`), for each table of something that takes a fee."""
    return [
        Column("payment_provider", String(16)),
        Column("payment_provider_id", String(64)),
        Column("payment_url", Text),
        Column("payment_id", String(64)),
        Column("payment_attempts", Integer, nullable=False),
        Column("payment_started_at", UTCDateTime),
        Column("paid_at", UTCDateTime),
        Column("refund_reference", String(80), unique=True),
        Column("refunded_at", UTCDateTime),
    ]


def writes_after(target: type, column: Column) -> relationship:  # type: ignore[type-arg]
    """A relationship only for the unit of work: it makes rows that refer to `target` through
    `column` be written after `target`'s rows (the ORM orders inserts by relationships, not by
    foreign keys). The domain keeps plain ids; the attribute is never loaded."""
    return relationship(target, foreign_keys=[column], lazy="raise", viewonly=False)
