"""Fetch an attachment from its channel and keep it (encrypted at rest). Idempotent: one
already kept is not fetched again."""

from __future__ import annotations

import contextlib

from application.attachments import MAX_ATTACHMENT_BYTES, StoredAttachment
from application.ports.attachments import AttachmentGone, AttachmentSource
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import DuplicateError, UnitOfWork

__all__ = ["keep_attachment"]


def keep_attachment(ref: str, *, source: AttachmentSource, uow: UnitOfWork, ids: IdGenerator,
                    clock: Clock) -> StoredAttachment | None:
    """The kept attachment, or None when the channel no longer has it."""
    with uow:
        kept = uow.attachments.get_by_ref(ref)
        if kept is not None:
            return kept
    try:
        fetched = source.fetch(ref)
    except AttachmentGone:
        return None
    if len(fetched.content) > MAX_ATTACHMENT_BYTES:
        return None
    attachment = StoredAttachment(id=ids.new_id(), ref=ref, content_type=fetched.content_type,
                                  content=fetched.content, fetched_at=clock.now())
    with uow:
        uow.attachments.add(attachment)
        with contextlib.suppress(DuplicateError):  # kept meanwhile by another worker
            uow.commit()
    with uow:
        return uow.attachments.get_by_ref(ref)
