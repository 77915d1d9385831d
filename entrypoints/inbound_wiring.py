"""The handling of stored inbound events (ADR 0062), wired: the router with a fresh unit of work
per event, and what follows an event's commit (既読 for a message, in mark-as-read mode; an
image's content fetched and kept while LINE still has it)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from application.channels.handling_inbox import InboxHandler, Route
from application.channels.inbound import InboundEvent
from application.jobs.running import start_job
from entrypoints.jobs import KEEP_ATTACHMENT

__all__ = ["make_inbox_handler"]

log = logging.getLogger(__name__)


def make_inbox_handler(container: Any) -> InboxHandler:
    """Built from the container (looked up when called: the router is made after the queues)."""
    return InboxHandler(queue=container.inbox_queue(), route=lambda: _route(container),
                        clock=container.clock(), after=lambda event: _after(container, event),
                        wake_outbox=lambda: container.outbox_notifier().wake(),
                        lease=dt.timedelta(seconds=container.config.inbound_lease_seconds()))


def _route(container: Any) -> Route:
    router = container.inbound_router()
    return lambda event, inbox_id: router.handle(event, uow=container.uow(), inbox_id=inbox_id)


def _after(container: Any, event: InboundEvent) -> None:
    container.acknowledging().handled(event)  # 既読, when the account reads only when told
    if not event.image_ref:
        return
    try:  # LINE keeps content only for a while: fetch it now
        start_job(KEEP_ATTACHMENT, {"ref": event.image_ref}, uow=container.uow(),
                  queue=container.job_queue(), catalog=container.job_catalog(),
                  ids=container.ids(), clock=container.clock())
    except Exception:  # it is fetched when first looked at instead
        log.exception("the image of LINE event %s was not queued for keeping",
                      event.external_id)
