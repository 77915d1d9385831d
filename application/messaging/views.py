"""Reads about the outbox for monitoring (the `/metrics` scrape)."""

from __future__ import annotations

import datetime as dt

from application.ports.queries import OutboxBacklog
from application.ports.unit_of_work import UnitOfWork

__all__ = ["outbox_backlog"]


def outbox_backlog(*, now: dt.datetime, uow: UnitOfWork) -> OutboxBacklog:
    with uow:
        return uow.queries.messages.backlog(now=now)
