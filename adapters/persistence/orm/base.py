"""What every context's tables and mapping share: the `MetaData` (with its naming convention),
the id column type, the encrypted column types used in more than one context, and
`writes_after` for the order of inserts."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String
from sqlalchemy.orm import relationship

from adapters.persistence import codecs
from adapters.persistence.types import EncryptedJSON

__all__ = ["ENCRYPTED_ACCOUNT", "ENCRYPTED_TEXT", "ID", "metadata", "writes_after"]

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

ID = String(32)

ENCRYPTED_TEXT = EncryptedJSON(str, str)
ENCRYPTED_ACCOUNT = EncryptedJSON(codecs.account_to_json, codecs.account_from_json)


def writes_after(target: type, column: Column) -> relationship:  # type: ignore[type-arg]
    """A relationship only for the unit of work: it makes rows that refer to `target` through
    `column` be written after `target`'s rows (the ORM orders inserts by relationships, not by
    foreign keys). The domain keeps plain ids; the attribute is never loaded."""
    return relationship(target, foreign_keys=[column], lazy="raise", viewonly=False)
