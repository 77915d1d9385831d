"""The message bus: what follows from a domain event runs inside the unit of work that recorded
it, just before it commits, so the change and everything it leads to (the resident's notice in
the outbox, the record of a failed transfer) commit together or not at all.

Use cases change aggregates; aggregates record events (`domain/events.py`); on `commit()` the
unit of work hands itself to `MessageBus.dispatch`, which runs each event's handlers with it.
A handler may change aggregates in turn (their events run in the next round). Handlers are
plain callables `handler(events, uow)`, given all of a round's events of their type at once (a
bulk decision reads its recipients once, not per application), with their collaborators bound
when the bus is built (`application/handlers.py` is the table of which event leads to what)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from application.ports.unit_of_work import UnitOfWork
from domain.events import Event

__all__ = ["EventHandler", "MessageBus"]

EventHandler = Callable[[Sequence[Any], UnitOfWork], None]  # the events of one type
MAX_ROUNDS = 10  # events causing events causing events…: a handler loop is a bug


class MessageBus:
    def __init__(self, handlers: Mapping[type[Event], Sequence[EventHandler]]) -> None:
        self._handlers = {kind: tuple(found) for kind, found in handlers.items()}

    def handlers_for(self, kind: type[Event]) -> tuple[EventHandler, ...]:
        return self._handlers.get(kind, ())

    def dispatch(self, uow: UnitOfWork) -> int:
        """Run the handlers of every event the unit of work has collected, round after round
        until no handler records a new one. Returns how many events were handled. A handler
        that raises aborts the commit (nothing of the transaction is written)."""
        handled = 0
        for _ in range(MAX_ROUNDS):
            events = uow.collect_new_events()
            if not events:
                return handled
            by_type: dict[type[Event], list[Event]] = {}
            for event in events:
                by_type.setdefault(type(event), []).append(event)
            for kind, of_kind in by_type.items():
                for handler in self.handlers_for(kind):
                    handler(of_kind, uow)
            handled += len(events)
        raise RuntimeError(f"domain events still coming after {MAX_ROUNDS} rounds")
