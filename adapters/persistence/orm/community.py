"""What residents chose to hear about and belong to: the interests staff offer (防災, 子育て, …)
and each identity's subscriptions to them; the town's 自治会/町内会 and their members, imported
from the association's list or joined in the chat. Segments read these (ADR 0056)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adapters.persistence.orm.base import ENCRYPTED_TEXT, ID, metadata
from adapters.persistence.types import UTCDateTime

__all__ = ["association_members", "associations", "interest_subscriptions", "interests"]

interests = Table(
    "interests", metadata,
    Column("key", String(32), primary_key=True),  # what a subscription names: bousai
    Column("label", String(40), nullable=False),  # what residents read: 防災
    Column("description", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("active", Boolean, nullable=False),  # retired interests keep their subscriptions
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
)

interest_subscriptions = Table(
    "interest_subscriptions", metadata,
    Column("identity_id", ID, ForeignKey("channel_identities.id"), primary_key=True),
    Column("interest_key", String(32), ForeignKey("interests.key"), primary_key=True),
    Column("subscribed_at", UTCDateTime, nullable=False),
    Index("ix_interest_subscriptions_interest_key", "interest_key", "identity_id"),
)

associations = Table(
    "associations", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),  # 本町二丁目自治会
    Column("open_to_join", Boolean, nullable=False),  # residents may join in the chat
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
)

# A member is a registry resident (imported from the association's list by 住民番号, or a
# verified resident who joined in the chat) or an identity not linked to a resident (joined in
# the chat, with the name they gave). The name is the only personal data a leader sees.
association_members = Table(
    "association_members", metadata,
    Column("id", ID, primary_key=True),
    Column("association_id", ID, ForeignKey("associations.id"), nullable=False),
    Column("resident_id", ID, ForeignKey("residents.id")),
    Column("identity_id", ID, ForeignKey("channel_identities.id")),
    Column("name", ENCRYPTED_TEXT, nullable=False),
    Column("source", String(8), nullable=False),  # "list" (imported) or "chat" (joined)
    Column("joined_at", UTCDateTime, nullable=False),
    UniqueConstraint("association_id", "resident_id"),
    UniqueConstraint("association_id", "identity_id"),
    Index("ix_association_members_resident_id", "resident_id", "association_id"),
    Index("ix_association_members_identity_id", "identity_id", "association_id"),
    # staff's association page, a page of members at a time (ADR 0067)
    Index("ix_association_members_joined", "association_id", "joined_at", "id"),
)
