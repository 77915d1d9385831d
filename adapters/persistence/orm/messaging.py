"""Messaging: residents' channel identities (LINE and the like), the outbox of messages to
send, the inbox of events received, conversations in progress and attachments kept from them."""

from __future__ import annotations

import base64

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
    text,
)
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import registry, relationship

from adapters.persistence.orm.base import ID, metadata
from adapters.persistence.types import EncryptedJSON, EnumValue, JSONText, UTCDateTime
from application.attachments import StoredAttachment
from application.channels.inbox import InboxEvent
from application.channels.rich_menu_layout import SavedRichMenu
from application.conversations.state import Conversation, ConversationStatus
from application.messaging.outbox import DeliveryStatus, OutboxMessage, OutboxStatus
from application.town_settings import TownSetting
from domain.channels import ChannelIdentity, ContactPreference, IdentityStatus
from domain.contact_codes import ContactCode

__all__ = ["attachments", "channel_identities", "contact_codes", "contact_preferences",
           "conversations", "inbox", "map_messaging", "outbox", "rich_menu_layouts", "sms_messages",
           "town_settings"]

_ENCRYPTED_BYTES = EncryptedJSON(lambda data: base64.b64encode(data).decode("ascii"),
                                 base64.b64decode)
# What residents typed can be personal data; tracked for in-place changes to the dict.
_ENCRYPTED_ANSWERS = MutableDict.as_mutable(EncryptedJSON(dict, dict))
_ENCRYPTED_EVENT = EncryptedJSON(dict, dict)  # an inbound event as received (its text)

channel_identities = Table(
    "channel_identities", metadata,
    Column("id", ID, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("address", String(254), nullable=False),  # an e-mail address has up to 254
    Column("status", EnumValue(IdentityStatus), nullable=False),
    Column("resident_id", ID, ForeignKey("residents.id"), index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status_changed_at", UTCDateTime),
    Column("optional_declined_at", UTCDateTime),
    UniqueConstraint("channel", "address"),
)

outbox = Table(
    "outbox", metadata,
    Column("id", ID, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("payload", JSONText(), nullable=False),
    Column("status", EnumValue(OutboxStatus), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("reply_token", String(255)),
    Column("claimed_at", UTCDateTime),
    Column("next_attempt_at", UTCDateTime),
    Column("group_key", String(40), index=True),
    Column("version", Integer, nullable=False),  # optimistic locking: one dispatcher claims
    Column("delivery_status", EnumValue(DeliveryStatus), nullable=False,
           server_default="sending"),
    Column("fallback_of", ID),  # the notice this row carries on to another rung (ADR 0041)
    Column("provider_ref", String(64), index=True),
    Index("ix_outbox_status_created_at", "status", "created_at"),
    # A notice goes at most once to each rung: the database refuses a second copy.
    Index("uq_outbox_fallback_of_channel", "fallback_of", "channel", unique=True),
)

# A phone number or an e-mail address being verified by a code (the code itself is hashed).
contact_codes = Table(
    "contact_codes", metadata,
    Column("id", ID, primary_key=True),
    Column("resident_id", ID, ForeignKey("residents.id"), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("address", String(64), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("tries", Integer, nullable=False),
    Column("sends", Integer, nullable=False),
    Column("verified_at", UTCDateTime),
    Column("version", Integer, nullable=False, server_default="1"),
)

# What a resident chose to receive (the reminders they stopped).
contact_preferences = Table(
    "contact_preferences", metadata,
    Column("resident_id", ID, ForeignKey("residents.id"), primary_key=True),
    Column("reminders", Boolean, nullable=False),
    Column("changed_at", UTCDateTime),
)

# Settings of the town that staff change in the application: the ladder of channels.
town_settings = Table(
    "town_settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JSONText(), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(128), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
)

# The LINE rich menus as staff laid them out, one row per audience (ADR 0054).
rich_menu_layouts = Table(
    "rich_menu_layouts", metadata,
    Column("audience", String(16), primary_key=True),
    Column("rows", Integer, nullable=False),
    Column("tiles", JSONText(), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(128), nullable=False),
    Column("published_at", UTCDateTime),
    Column("published_by", String(128), nullable=False, server_default=""),
    Column("version", Integer, nullable=False, server_default="1"),
)

# Each event received, once per external id. A LINE event is stored by the webhook before it is
# handled: the row is the work item (ADR 0062), the event kept encrypted until it is handled.
inbox = Table(
    "inbox", metadata,
    Column("id", ID, primary_key=True),
    Column("source", String(16), nullable=False),
    Column("external_id", String(128), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("payload", JSONText(), nullable=False),  # the kind only: nothing personal
    Column("processed_at", UTCDateTime),
    Column("address", String(254)),  # who sent it: a sender's events are handled in order
    Column("event", _ENCRYPTED_EVENT),  # the whole event, until it is handled
    Column("claimed_until", UTCDateTime),  # a worker's lease while it handles the event
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime),  # a failed event's next try
    Column("failed_at", UTCDateTime),  # given up after too many tries
    UniqueConstraint("source", "external_id"),
    # The pending events, by sender and in the order they came (a small index: handled rows
    # leave it).
    Index("ix_inbox_pending", "source", "address", "received_at", "id",
          sqlite_where=text("processed_at IS NULL AND failed_at IS NULL"),
          postgresql_where=text("processed_at IS NULL AND failed_at IS NULL")),
)

conversations = Table(
    "conversations", metadata,
    Column("id", ID, primary_key=True),
    Column("identity_id", ID, ForeignKey("channel_identities.id"), nullable=False),
    Column("procedure_id", String(64), nullable=False),
    Column("procedure_version", Integer),  # a built procedure's version (ADR 0055)
    Column("step_key", String(64)),
    Column("answers", _ENCRYPTED_ANSWERS, nullable=False),
    Column("history", MutableList.as_mutable(JSONText()), nullable=False),
    Column("turn", Integer, nullable=False),
    Column("status", EnumValue(ConversationStatus), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_conversations_identity_id_updated_at", "identity_id", "updated_at"),
)

attachments = Table(
    "attachments", metadata,
    Column("id", ID, primary_key=True),
    Column("ref", String(128), nullable=False, unique=True),
    Column("content_type", String(100), nullable=False),
    Column("content", _ENCRYPTED_BYTES, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
)

# Each SMS handed to the provider, by the idempotency key it went with (an outbox id): the
# provider's message SID once it accepted it, and the latest status its callbacks reported. A
# retry of a key that has a SID sends nothing (ADR 0039). Not mapped: adapters/sms/ledger.py.
sms_messages = Table(
    "sms_messages", metadata,
    Column("key", String(128), primary_key=True),
    Column("recipient", String(16), nullable=False),
    Column("body_digest", String(64), nullable=False),
    Column("sid", String(64), unique=True),
    Column("status", String(16), nullable=False),
    Column("error_code", Integer),
    Column("attempted_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)


def map_messaging(mappers: registry) -> None:
    m = mappers.map_imperatively
    m(ChannelIdentity, channel_identities)
    m(OutboxMessage, outbox, version_id_col=outbox.c.version)
    m(InboxEvent, inbox)
    # The relationship is never read: it tells the flush that a resident's first event (a
    # rich menu tap from a friend never seen before) inserts the identity before its dialog.
    m(Conversation, conversations, version_id_col=conversations.c.version,
      properties={"_identity_row": relationship(ChannelIdentity, lazy="raise")})
    m(StoredAttachment, attachments)
    m(ContactCode, contact_codes, version_id_col=contact_codes.c.version)
    m(TownSetting, town_settings, version_id_col=town_settings.c.version)
    m(SavedRichMenu, rich_menu_layouts, version_id_col=rich_menu_layouts.c.version)
    m(ContactPreference, contact_preferences)
