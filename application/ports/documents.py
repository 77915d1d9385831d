"""Printed documents: the request slip staff print for a certificate request (交付請求書)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from application.certificates.queue import RequestFile

__all__ = ["SlipRenderer"]


class SlipRenderer(Protocol):
    def render(self, file: RequestFile, *, town_name: str, printed_at: dt.datetime) -> bytes:
        """The slip as a PDF with Japanese text."""
        ...
