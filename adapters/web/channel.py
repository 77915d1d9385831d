"""The web channel's side of the outbox (ADR 0038). A message to a web identity is already
where the resident will read it: the resident's page renders the outbox rows addressed to the
identity (`MessageQueries.web_transcript`), committed in the same transaction as the turn that
wrote them. So delivery to `web` is immediate and always DELIVERED: the dispatcher only records
that the page may show the message as delivered. Nothing is sent anywhere, so a repeat with the
same idempotency key, or a retaken reply (`retaken`, the port's flag since ADR 0037), changes
nothing either."""

from __future__ import annotations

from collections.abc import Sequence

from application.ports.messaging import DeliveryOutcome, DeliveryResult, OutgoingMessage

__all__ = ["WebChannel"]


class WebChannel:
    name = "web"

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        if not recipient or not messages:
            return DeliveryResult(DeliveryOutcome.REJECTED, "nothing to show")
        return DeliveryResult(DeliveryOutcome.DELIVERED, "on the resident's page")

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        return [([recipient], self.send(recipient, messages, idempotency_key=idempotency_key))
                for recipient in recipients]
