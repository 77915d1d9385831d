"""Every procedure the chat runs, by id and version (ADR 0055): those that ship with Madoguchi
(code, no version) and those staff built (the store: the newest published version to start,
the version a conversation started on to go on, the draft for staff trying it)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping

from application.cases.routing import CaseRoute
from application.conversations.procedure_templates import Template, import_template
from application.conversations.procedures import Procedure
from application.conversations.state import Conversation
from application.ports.procedure_store import ProcedureStore, PublishedProcedure

__all__ = ["DRAFT", "ProcedureCatalogue"]

DRAFT = 0  # the version number of a draft being tried


class ProcedureCatalogue:
    def __init__(self, builtins: Mapping[str, Procedure],
                 store: ProcedureStore | None = None) -> None:
        for key, procedure in builtins.items():
            if key != procedure.id:
                raise ValueError(f"procedure {procedure.id!r} registered as {key!r}")
        self.builtins = dict(builtins)
        self.store = store
        self._parsed: dict[tuple[str, int], Template] = {}
        self._lock = threading.Lock()

    # -- as a mapping of the procedures residents can start now ------------------------------

    def get(self, procedure_id: str) -> Procedure | None:
        current = self.current(procedure_id)
        return current[0] if current is not None else None

    def __getitem__(self, procedure_id: str) -> Procedure:
        found = self.get(procedure_id)
        if found is None:
            raise KeyError(procedure_id)
        return found

    def __contains__(self, procedure_id: object) -> bool:
        return isinstance(procedure_id, str) and self.get(procedure_id) is not None

    def __iter__(self) -> Iterator[str]:
        """The procedures that ship (the built ones are listed by the builder's queries)."""
        return iter(self.builtins)

    def items(self) -> list[tuple[str, Procedure]]:
        return list(self.builtins.items())

    # -- by version ---------------------------------------------------------------------------

    def current(self, procedure_id: str) -> tuple[Procedure, int | None] | None:
        """The procedure to start now, and its version (None for one that ships)."""
        builtin = self.builtins.get(procedure_id)
        if builtin is not None:
            return builtin, None
        published = self.store.newest(procedure_id) if self.store is not None else None
        if published is None:
            return None
        template = self._template(procedure_id, published.version)
        return (template.procedure, published.version) if template is not None else None

    def version(self, procedure_id: str, number: int | None) -> Procedure | None:
        if number is None:
            return self.builtins.get(procedure_id)
        template = self._template(procedure_id, number)
        return template.procedure if template is not None else None

    def of(self, conversation: Conversation) -> Procedure | None:
        """The procedure a conversation runs on: the version it started on (a draft being
        tried whose question was removed since: none, so the trial ends)."""
        procedure = self.version(conversation.procedure_id, conversation.procedure_version)
        if procedure is not None and conversation.procedure_version == DRAFT and \
                conversation.step_key is not None and \
                all(step.key != conversation.step_key for step in procedure.steps):
            return None
        return procedure

    def to_restart(self, conversation: Conversation) -> Procedure | None:
        """What an expired conversation starts again on: a procedure that ships, or the draft
        being tried. A built procedure's is not restarted here (None: the resident is told it
        expired): started again from the menu, its newest version's checks run first (its
        channels, a verification it may now require, its capacity)."""
        if conversation.procedure_version not in (None, DRAFT):
            return None
        return self.of(conversation)

    def route(self, procedure_id: str, number: int | None) -> CaseRoute | None:
        """Where a built procedure's cases go (its template's routing), None for one that
        ships (its route is in application/cases/routing.py)."""
        if number is None:
            return None
        template = self._template(procedure_id, number)
        return template.route if template is not None else None

    def published(self, procedure_id: str) -> PublishedProcedure | None:
        if procedure_id in self.builtins or self.store is None:
            return None
        return self.store.newest(procedure_id)

    def in_menu(self) -> list[PublishedProcedure]:
        return self.store.in_menu() if self.store is not None else []

    def _template(self, procedure_id: str, number: int) -> Template | None:
        if self.store is None:
            return None
        key = (procedure_id, number)
        if number != DRAFT:
            kept = self._parsed.get(key)
            if kept is not None:
                return kept
        data = self.store.template(procedure_id, number)
        if data is None:
            return None
        template = import_template(data)  # checked when saved; a stored one passes
        if number != DRAFT:
            with self._lock:
                self._parsed[key] = template
        return template
