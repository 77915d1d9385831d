"""Where a channel keeps what residents sent: fetch it by the reference an event carried."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen

__all__ = ["AttachmentGone", "AttachmentSource", "FetchedAttachment"]


@frozen
class FetchedAttachment:
    content: bytes
    content_type: str


class AttachmentGone(Exception):
    """The channel no longer has it (or never had it): not worth retrying."""


class AttachmentSource(Protocol):
    def fetch(self, ref: str) -> FetchedAttachment:
        """Raises AttachmentGone for an unknown or expired reference; other errors (a network
        failure, a 5xx) may be retried."""
        ...
