"""Does a key ring open what the database holds? One stored value of each encrypted column is
tried, read as raw text so nothing is decoded beyond the check."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, String, Table, Text, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.schema import Column

from adapters.crypto import DecryptionFailed, FieldCipher
from adapters.persistence.orm import metadata
from adapters.persistence.types import EncryptedJSON

__all__ = ["ring_opens", "stored_encrypted_value"]


def _encrypted_columns() -> list[Column[str]]:
    raw = MetaData()
    columns: list[Column[str]] = []
    for table in metadata.sorted_tables:
        names = [c.name for c in table.columns if isinstance(c.type, EncryptedJSON)]
        if names:
            seen = Table(table.name, raw, Column("id", String, primary_key=True),
                         *(Column(name, Text) for name in names))
            columns.extend(seen.c[name] for name in names)
    return columns


def stored_encrypted_value(engine: Engine) -> str | None:
    """Some encrypted value the database holds, or None (no data yet, or no schema yet)."""
    with engine.connect() as connection:
        for column in _encrypted_columns():
            try:
                value = connection.execute(
                    select(column).where(column.is_not(None)).limit(1)).scalar()
            except DBAPIError:  # the table does not exist yet: nothing stored in it
                connection.rollback()
                continue
            if value:
                return str(value)
    return None


def ring_opens(engine: Engine, cipher: FieldCipher) -> bool:
    """False when the database holds encrypted data none of the keys opens."""
    value = stored_encrypted_value(engine)
    if value is None:
        return True
    try:
        cipher.decrypt(value)
    except DecryptionFailed:
        return False
    return True
