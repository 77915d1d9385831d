"""お知らせ配信 (ADR 0058): the notices staff send to a segment, and each person a notice went to
(once: unique per notice and person), with what they did with it (opened, tapped)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import deferred, registry

from adapters.persistence.orm.base import ID, metadata, writes_after
from adapters.persistence.types import EnumValue, JSONText, UTCDateTime
from application.jobs.job import Job
from domain.notices import Notice, NoticeButton, NoticeRecipient, NoticeStatus

__all__ = ["map_notices", "notice_recipients", "notices"]

_BUTTONS = JSONText(dump=lambda buttons: [b.to_json() for b in buttons],
                    load=lambda values: tuple(NoticeButton.from_json(v) for v in values))

notices = Table(
    "notices", metadata,
    Column("id", ID, primary_key=True),
    Column("title", String(60), nullable=False),
    Column("text", Text, nullable=False),
    Column("condition", JSONText(), nullable=False),  # a copy of the segment's condition
    Column("segment_name", String(100), nullable=False),
    Column("buttons", _BUTTONS, nullable=False),
    Column("status", EnumValue(NoticeStatus), nullable=False),
    Column("created_by", ID, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("link_token", String(32), nullable=False, unique=True),
    Column("scheduled_at", UTCDateTime, index=True),
    Column("job_id", ID, ForeignKey("jobs.id"), unique=True),
    Column("sent_by", ID),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("shared_opens", Integer, nullable=False, server_default="0"),
    Column("shared_taps", Integer, nullable=False, server_default="0"),
    Column("image_type", String(16), nullable=False, server_default=""),
    Column("image", LargeBinary),  # JPEG or PNG, at most 1 MB; loaded only when shown
    Column("version", Integer, nullable=False, server_default="1"),  # two schedulers: one wins
)

notice_recipients = Table(
    "notice_recipients", metadata,
    Column("id", ID, primary_key=True),
    Column("notice_id", ID, ForeignKey("notices.id"), nullable=False),
    Column("member_key", String(40), nullable=False),  # r:<resident id> / i:<identity id>
    Column("open_token", String(32), nullable=False, unique=True),  # random, names no one
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("channel", String(16), nullable=False),  # "" when no rung reaches them (届かない)
    Column("outbox_id", ID),
    Column("declined", Boolean, nullable=False),
    Column("opened_at", UTCDateTime),
    Column("tapped_at", UTCDateTime),
    UniqueConstraint("notice_id", "member_key"),  # never the same notice twice to one person
    Index("ix_notice_recipients_outbox_id", "outbox_id"),
)


def map_notices(mappers: registry) -> None:
    m = mappers.map_imperatively
    m(Notice, notices, version_id_col=notices.c.version, properties={
        "_job": writes_after(Job, notices.c.job_id),
        "image": deferred(notices.c.image),
    })
    m(NoticeRecipient, notice_recipients, properties={
        "_notice": writes_after(Notice, notice_recipients.c.notice_id),
    })
