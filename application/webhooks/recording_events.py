"""What the town's systems are told: the message bus's handlers that turn domain events into
webhook deliveries, in the transaction of the change (the deliveries are this feature's outbox:
ADR 0071). One event id per occurrence, shared by every subscription's delivery of it; the body
carries ids and states only (no names, addresses, accounts or message text: a receiver reads
the details through the REST API)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from application.dates import in_japan
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.disbursements import DisbursementStatus
from domain.events import (
    ApplicationConfirmed,
    ApplicationDecided,
    CaseOpened,
    CertificateRequestPaid,
    DisbursementStateChanged,
)
from domain.webhooks import WebhookDelivery, WebhookEventType

__all__ = ["WebhookEvents"]

_Data = dict[str, Any]


class WebhookEvents:
    """`handler(events, uow)` for each domain event a subscription may want."""

    def __init__(self, ids: IdGenerator, clock: Clock) -> None:
        self._ids, self._clock = ids, clock

    def application_confirmed(self, events: Sequence[ApplicationConfirmed],
                              uow: UnitOfWork) -> None:
        self._write(uow, WebhookEventType.APPLICATION_CONFIRMED, events,
                    lambda e, found: found[e.application_id], _applications)

    def application_decided(self, events: Sequence[ApplicationDecided],
                            uow: UnitOfWork) -> None:
        self._write(uow, WebhookEventType.APPLICATION_DECIDED, events,
                    lambda e, found: {**found[e.application_id],
                                      "decision": "approved" if e.approved else "rejected"},
                    _applications)

    def payment_failed(self, events: Sequence[DisbursementStateChanged],
                       uow: UnitOfWork) -> None:
        failed = [e for e in events if e.status == DisbursementStatus.FAILED.value]
        self._write(uow, WebhookEventType.PAYMENT_FAILED, failed,
                    lambda e, found: {"disbursement_id": e.disbursement_id,
                                      **found[e.application_id], "payment_status": e.status},
                    _applications)

    def certificate_paid(self, events: Sequence[CertificateRequestPaid],
                         uow: UnitOfWork) -> None:
        self._write(uow, WebhookEventType.CERTIFICATE_PAID, events,
                    lambda e, _: _certificate(uow, e.request_id))

    def case_created(self, events: Sequence[CaseOpened], uow: UnitOfWork) -> None:
        opened = [e for e in events if not e.transferred]  # a transfer is no new case
        self._write(uow, WebhookEventType.CASE_CREATED, opened,
                    lambda e, _: _case(uow, e.case_id))

    def _write(self, uow: UnitOfWork, kind: WebhookEventType, events: Sequence[Any],
               data_of: Callable[[Any, dict[str, _Data]], _Data],
               preload: Callable[[UnitOfWork, Sequence[str]], dict[str, _Data]] | None = None,
               ) -> None:
        """`preload`: reads what the round's events refer to at once (a bulk decision's
        applications and households), only when a subscription wants them."""
        if not events:
            return
        wanting = [s for s in uow.webhook_subscriptions.listed() if s.wants(kind)]
        if not wanting:
            return
        now = self._clock.now()
        found = preload(uow, [e.application_id for e in events]) if preload else {}
        for event in events:
            event_id, data = self._ids.new_id(), data_of(event, found)
            for subscription in wanting:
                uow.webhook_deliveries.add(WebhookDelivery.of(
                    id=self._ids.new_id(), subscription_id=subscription.id, event_id=event_id,
                    kind=kind, occurred_at=in_japan(now), data=data, at=now))


def _applications(uow: UnitOfWork, application_ids: Sequence[str]) -> dict[str, _Data]:
    """Each application's ids and state, read in two queries for a round (a bulk decision)."""
    found = uow.applications.by_ids(list(dict.fromkeys(application_ids)))
    households = uow.households.by_ids(list({a.household_id for a in found.values()}))
    data: dict[str, _Data] = {}
    for application_id in application_ids:
        application = found.get(application_id)
        if application is None:
            data[application_id] = {"application_id": application_id}
            continue
        household = households.get(application.household_id)
        data[application_id] = {
            "application_id": application.id, "program_id": application.program_id,
            "household_id": application.household_id,
            "household_number": household.household_number if household else None,
            "application_status": application.status.value}
    return data


def _certificate(uow: UnitOfWork, request_id: str) -> _Data:
    request = uow.certificate_requests.get(request_id)
    if request is None:
        return {"certificate_request_id": request_id}
    return {"certificate_request_id": request.id, "certificate_kind": request.kind.value,
            "copies": request.copies, "payment_state": request.payment_state.value,
            "amount_yen": request.total.yen}


def _case(uow: UnitOfWork, case_id: str) -> _Data:
    case = uow.cases.get(case_id)
    if case is None:
        return {"case_id": case_id}
    return {"case_id": case.id, "case_number": case.number, "procedure_id": case.procedure_id,
            "department_id": case.department_id, "case_status": case.status.value}
