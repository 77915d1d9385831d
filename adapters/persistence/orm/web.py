"""The web channel: personal links and one-time sign-in codes (`resident_links`). Read and
written by statements (adapters/persistence/resident_links.py), not mapped: a link is used up
by one conditional UPDATE."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table

from adapters.persistence.orm.base import ID, metadata
from adapters.persistence.types import UTCDateTime

__all__ = ["resident_links"]

resident_links = Table(
    "resident_links", metadata,
    Column("id", String(32), primary_key=True),
    Column("purpose", String(16), nullable=False),
    Column("identity_id", ID, index=True),  # the recipient's channel identity
    Column("message_id", ID),  # the outbox row the link was sent in
    Column("code_digest", String(64), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    Column("used_at", UTCDateTime),
)
