"""Segments in the staff UI (配信対象, ADR 0056), under /staff: the saved segments and their
editor with a live count (`pages.py`), and the interests residents subscribe to (設定 →
お知らせの分野, `interests.py`)."""

from __future__ import annotations

from entrypoints.web.staff.segments import interests, pages
from entrypoints.web.staff.segments.blueprint import staff_segments

__all__ = ["staff_segments"]

# The modules whose views attach to `staff_segments` when imported.
PAGES = (pages, interests)
