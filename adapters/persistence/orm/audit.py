"""The audit trail: the hash-chained log and its head (the newest record's seq and hash, read
under a lock by whoever appends next). Written and read with Core statements; no class is
mapped."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table

from adapters.persistence.orm.base import metadata
from adapters.persistence.types import JSONText, UTCDateTime

__all__ = ["audit_head", "audit_log"]

audit_log = Table(
    "audit_log", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("actor_id", String(32), nullable=False),
    Column("actor_label", String(64), nullable=False, index=True),
    Column("action", String(64), nullable=False, index=True),
    Column("target_type", String(32), nullable=False),
    Column("target_id", String(64), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("detail", JSONText(), nullable=False),
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_audit_log_target_type_target_id", "target_type", "target_id"),
)

audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)
