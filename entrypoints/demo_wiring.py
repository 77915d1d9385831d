"""The demo town's past (`demo.seeding_activity`): the same town, on a clock the demo moves back
in time. A second container from the same configuration shares the database engine and takes
the demo's clock, so the router, the conversation engine, the message bus, the identity provider
and every unit of work it makes read that clock, as they read the system's in the present."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dependency_injector import providers

from application.channels.inbound import InboundEvent
from application.ports.clock import IdGenerator
from demo.past_town import DemoClock, PastTown

__all__ = ["past_town"]

class _IssuedIds:
    """The container's ids, remembering those issued since the last `take` (the outbox rows
    one event wrote are found by their ids)."""

    def __init__(self, ids: IdGenerator) -> None:
        self._ids, self._issued = ids, []

    def new_id(self) -> str:
        new = self._ids.new_id()
        self._issued.append(new)
        return new

    def take(self) -> list[str]:
        issued, self._issued = self._issued, []
        return issued


def past_town(container: Any) -> Callable[[], PastTown]:
    """Makes the past town when the demo seeds its history (looked up when called, as the job
    catalog's other wiring)."""

    def make() -> PastTown:
        clock = DemoClock(container.clock())
        past = container.declarative_parent()
        past.config.from_dict(container.config())
        past.clock.override(providers.Object(clock))
        past.engine.override(providers.Object(container.engine()))

        issued = _IssuedIds(container.ids())
        past.ids.override(providers.Object(issued))

        def route(event: InboundEvent) -> list[str]:
            issued.take()
            past.inbound_router().handle(event, uow=past.uow())
            return issued.take()

        gateway = past.payment_gateway()

        def payer_pays(provider_id: str) -> bool:
            """支払う on the development pay page (the fake provider's own page)."""
            pay = getattr(gateway, "pay", None)
            if gateway.name != "fake" or pay is None:
                return False
            pay(provider_id)
            return True

        return PastTown(clock=clock, route=route, uow_factory=past.uow, gateway=gateway,
                        payment_links=past.pay_links().links(), payer_pays=payer_pays,
                        identity_provider=past.identity_provider(),
                        close=past.shutdown_resources)

    return make
