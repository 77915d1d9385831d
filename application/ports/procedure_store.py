"""What the chat reads of the procedures staff built (ADR 0055): the newest published version
of each, a given version, and those in the menu. Read outside the inbound event's transaction
(published versions never change, so they can be kept in memory once read)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from attrs import field, frozen

__all__ = ["ProcedureStore", "PublishedProcedure"]


@frozen
class PublishedProcedure:
    """A built procedure residents can start: its newest version and where it is offered."""

    procedure_id: str
    version: int
    channels: tuple[str, ...] = field(converter=tuple)
    label: str  # its button in the menu
    menu_order: int | None  # None: not in the menu (started from a notice's button)


class ProcedureStore(Protocol):
    def newest(self, procedure_id: str) -> PublishedProcedure | None:
        """The procedure if residents can start it now (published and not withdrawn)."""
        ...

    def template(self, procedure_id: str, version: int) -> dict[str, Any] | None:
        """A published version's template; version 0 is the draft (staff trying it)."""
        ...

    def in_menu(self) -> list[PublishedProcedure]:
        """The published procedures with a place in the menu, in menu order."""
        ...

    def trial(self, code: str, now: dt.datetime) -> str | None:
        """The procedure whose draft this (unexpired) trial code opens."""
        ...
