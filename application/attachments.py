"""Attachments residents send (a passbook photo, a photo with an inquiry): the channel keeps
them only for a while, so they are fetched once and kept here, encrypted."""

from __future__ import annotations

import datetime as dt

from attrs import define

__all__ = ["MAX_ATTACHMENT_BYTES", "StoredAttachment"]

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # LINE's images are at most 10 MB


@define(slots=False, eq=False)
class StoredAttachment:
    id: str
    ref: str  # the channel's reference, as answers keep it: line:<message id>
    content_type: str
    content: bytes
    fetched_at: dt.datetime
