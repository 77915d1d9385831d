"""SQLite's writers take turns: one lock per process, held by a session from its first write
to the end of its transaction."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

__all__ = ["serialize_writers", "take_turn", "turn"]

_WRITERS = threading.RLock()


def serialize_writers(sessions: sessionmaker[Session]) -> None:
    """SQLite has one writer at a time and waits for the lock by sleeping and polling, which
    gives long tails when many threads write at once. Threads of one process therefore take
    turns on a lock from their first write to the end of the transaction; only processes
    still meet at SQLite's own lock."""

    @event.listens_for(sessions, "before_flush")
    def _take(session: Session, _context: object, _instances: object) -> None:
        take_turn(session)

    @event.listens_for(sessions, "after_transaction_end")
    def _give(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None and session.info.pop("writing", False):
            _WRITERS.release()


def take_turn(session: Session) -> None:
    """Join this process's writers' queue, once per transaction (a flush does; so does a write
    made with a Core statement, before it takes SQLite's lock). The turn ends with the
    transaction, for a session made by a `serialize_writers` sessionmaker.

    The session takes its connection from the pool first: a thread holding the turn must
    never wait for a connection held by threads that wait for the turn."""
    if not session.info.get("writing"):
        session.connection()
        _WRITERS.acquire()
        session.info["writing"] = True


@contextlib.contextmanager
def turn() -> Iterator[None]:
    """The same turn for a Core write on a connection of its own (the inbox queue's): taken
    after the connection, held until its transaction ends."""
    with _WRITERS:
        yield
