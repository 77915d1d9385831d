"""The procedure builder in the staff UI (手続きの作成, ADR 0055), under /staff/procedures: the
list and the editor (`editing.py`), trying, publishing and exporting (`publishing.py`), and
importing a template, uploaded or from the library (`importing.py`, `library.py`)."""

from __future__ import annotations

from entrypoints.web.staff.procedures import editing, importing, publishing
from entrypoints.web.staff.procedures.blueprint import staff_procedures

__all__ = ["staff_procedures"]

# The modules whose views attach to `staff_procedures` when imported.
PAGES = (editing, publishing, importing)
