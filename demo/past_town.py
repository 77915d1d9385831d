"""The town as it ran in the past, for the demo's year of activity (`seeding_activity`): a clock
the demo moves back in time, the same router, units of work and identity provider a request
uses (given by the composition root, built on that clock), and the channel the history's
replies were delivered on.

The history's replies went out long ago: they are delivered through the outbox's own use case
(`deliver_outbox`) with `PastDeliveries`, which takes them as delivered, so nothing of the past
is pushed to the LINE simulator's phone (which knows none of these residents) when the demo
serves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from attrs import frozen

from application.channels.inbound import InboundEvent
from application.payments.paying import PaymentLinks
from application.ports.clock import Clock
from application.ports.identity import IdentityProvider
from application.ports.messaging import DeliveryOutcome, DeliveryResult, OutgoingMessage
from application.ports.payments import PaymentGateway
from application.ports.unit_of_work import UnitOfWork

__all__ = ["DemoClock", "PastDeliveries", "PastTown", "Said"]


class DemoClock:
    """The present until told a moment of the past (`travel_to`), then that moment until told
    another or `back_to_present`."""

    def __init__(self, present: Clock) -> None:
        self._present = present
        self._moment: dt.datetime | None = None

    def now(self) -> dt.datetime:
        return self._moment if self._moment is not None else self._present.now()

    def travel_to(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a moment of the past must say its time zone")
        self._moment = moment

    def wait(self, seconds: float) -> None:
        """Time passes in the past (a resident's next tap comes a little later)."""
        if self._moment is not None:
            self._moment += dt.timedelta(seconds=seconds)

    def back_to_present(self) -> None:
        self._moment = None


class PastDeliveries:
    """A `MessagingChannel` for messages sent in the demo's past: each is taken as delivered."""

    one_by_one = False

    def __init__(self, name: str) -> None:
        self.name = name

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        return DeliveryResult(DeliveryOutcome.DELIVERED)

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        return [(list(recipients), DeliveryResult(DeliveryOutcome.DELIVERED))]


@frozen
class Said:
    """What the town wrote to someone while it handled one event: the outbox rows' messages."""

    channel: str
    recipient: str
    messages: tuple[OutgoingMessage, ...]


@frozen(kw_only=True)
class PastTown:
    """What the composition root gives the history, all on `clock`: `route` handles an inbound
    event as a channel's request does and returns the ids issued meanwhile, in order (the
    outbox rows it wrote are among them: read back by id, not by a search of the outbox);
    `gateway` takes fees, with
    `payment_links` where it sends the payer back, and `payer_pays` is the payer's 支払う on the
    development pay page for the attempt the provider calls by this id (False where the
    provider is not the development one: nothing is paid)."""

    clock: DemoClock
    route: Callable[[InboundEvent], list[str]]
    uow_factory: Callable[[], UnitOfWork]
    identity_provider: IdentityProvider
    gateway: PaymentGateway
    payment_links: PaymentLinks
    payer_pays: Callable[[str], bool]
    close: Callable[[], None] = lambda: None  # what the past town opened (its resources)
