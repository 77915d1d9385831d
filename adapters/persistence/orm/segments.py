"""What segments select on, kept where a count can index it (ADR 0056): one row per registry
resident with coarse attributes derived at import from the encrypted facts (the 町丁目, the
month of birth, the sex) and the household's shape. The name, the full address and the date of
birth stay encrypted in `residents.facts` only."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table

from adapters.persistence.orm.base import ID, metadata
from adapters.persistence.types import JSONText, UTCDateTime

__all__ = ["resident_profiles", "segments"]

resident_profiles = Table(
    "resident_profiles", metadata,
    Column("resident_id", ID, ForeignKey("residents.id"), primary_key=True),
    Column("area", String(64), nullable=False),  # 町丁目 or 大字 ("" when not derived)
    Column("birth_month", Integer),  # year * 12 + month - 1; ages are counted at a month's end
    Column("sex", String(1)),  # the registry's code: 1 男, 2 女
    Column("household_id", ID, index=True),
    Column("household_size", Integer, nullable=False),
    # covering: an area's residents counted from the index alone (ADR 0075)
    Index("ix_resident_profiles_area", "area", "birth_month", "resident_id"),
    Index("ix_resident_profiles_birth_month", "birth_month"),
)

# Saved segments (配信対象): a condition staff named, in its JSON form (domain/segments.py).
segments = Table(
    "segments", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("condition", JSONText(), nullable=False),
    Column("created_by", ID, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_by", ID, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),  # two editors: one wins
)
