"""Re-encrypt every encrypted column with the newest data key (after adding a key in front)."""

from __future__ import annotations

from sqlalchemy import Column, Engine, MetaData, String, Table, Text, select, update

from adapters.crypto import FieldCipher
from adapters.persistence.orm import metadata
from adapters.persistence.types import EncryptedJSON

__all__ = ["rotate_encrypted_columns"]

_BATCH = 1000


def _raw_tables() -> list[Table]:
    """The encrypted columns seen as plain text, so values are rotated without being decoded."""
    raw = MetaData()
    tables = []
    for table in metadata.sorted_tables:
        names = [c.name for c in table.columns if isinstance(c.type, EncryptedJSON)]
        if names:
            tables.append(Table(table.name, raw, Column("id", String, primary_key=True),
                                *(Column(name, Text) for name in names)))
    return tables


def rotate_encrypted_columns(engine: Engine, cipher: FieldCipher) -> int:
    """Returns how many values were re-encrypted. Safe to run again (it reads with every key)."""
    rotated = 0
    for table in _raw_tables():
        names = [c.name for c in table.columns if c.name != "id"]
        last_id = ""
        while True:
            with engine.begin() as connection:
                rows = connection.execute(
                    select(table).where(table.c.id > last_id).order_by(table.c.id).limit(_BATCH)
                ).all()
                for row in rows:
                    values = {name: cipher.rotate(getattr(row, name))
                              for name in names if getattr(row, name)}
                    if values:
                        connection.execute(update(table).where(table.c.id == row.id)
                                           .values(**values))
                        rotated += len(values)
            if len(rows) < _BATCH:
                break
            last_id = rows[-1].id
    return rotated
