"""The outbox claim lease on the real databases: messages claimed by a dispatcher that died
go out once the short lease lapsed; a dispatcher still sending renews its claim, so no other
takes its messages meanwhile."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import pytest

from application.messaging.delivering_outbox import CLAIM_LEASE, DeliveryReport, deliver_outbox
from application.messaging.outbox import DeliveryStatus, OutboxMessage, OutboxStatus
from application.messaging.recording_delivery_status import (
    DeliveryStatusReport,
    record_delivery_status,
)
from application.ports.messaging import DeliveryOutcome, DeliveryResult, OutgoingMessage
from entrypoints.containers import Container
from tests.fakes import FakeClock

pytestmark = pytest.mark.integration


class Phone:
    name = "line"

    def __init__(self, during_send: Callable[[], None] = lambda: None) -> None:
        self.keys: list[str] = []
        self.during_send = during_send

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        self.during_send()
        self.keys.append(idempotency_key)
        return DeliveryResult(DeliveryOutcome.DELIVERED)

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        raise AssertionError("one message: no group send")


def _queue(container: Container, clock: FakeClock, *, claimed: bool) -> None:
    message = OutboxMessage.of([OutgoingMessage(text="お知らせ")], id="01JLEASE0000000000000001",
                               channel="line", recipient="U" + "1" * 32, at=clock.now())
    if claimed:
        message.claim(clock.now())  # then the process was killed before it sent
    with container.uow() as uow:
        uow.outbox.add(message)
        uow.commit()


def _deliver(container: Container, clock: FakeClock, phone: Phone,
             **options: float) -> DeliveryReport:
    return deliver_outbox(uow_factory=container.uow, channels={"line": phone}, clock=clock,
                          **options)  # type: ignore[arg-type]


def test_messages_claimed_by_a_killed_dispatcher_go_out_within_seconds(
        container: Container) -> None:
    clock, phone = FakeClock(), Phone()
    _queue(container, clock, claimed=True)

    clock.advance(seconds=CLAIM_LEASE.total_seconds() - 5)
    waiting = _deliver(container, clock, phone)
    clock.advance(seconds=10)
    taken_up = _deliver(container, clock, phone)

    assert (CLAIM_LEASE.total_seconds(), waiting.handled, taken_up.sent) == (15, 0, 1)
    assert phone.keys == ["01JLEASE0000000000000001"]


def test_a_dispatcher_still_sending_keeps_its_messages_from_another(
        container: Container) -> None:
    clock = FakeClock()
    _queue(container, clock, claimed=False)
    other_phone = Phone()
    taken: list[int] = []

    def slow_send() -> None:  # three minutes pass while this dispatcher sends
        clock.advance(minutes=3)
        time.sleep(0.3)
        taken.append(_deliver(container, clock, other_phone).handled)

    report = _deliver(container, clock, Phone(slow_send), renew_every=0.03)

    assert (report.sent, taken, other_phone.keys) == (1, [0], [])
    with container.uow() as uow:
        assert uow.outbox.get("01JLEASE0000000000000001").status is OutboxStatus.SENT


def test_a_providers_report_written_while_sending_does_not_fail_the_dispatcher(
        container: Container) -> None:
    """An SMS status callback finds its row by the outbox id in its URL, and may write it while
    the dispatcher is still sending: the dispatcher records its outcome on the row as it is
    then, instead of failing (a campaign job that woke it crashed on this)."""
    clock = FakeClock()
    _queue(container, clock, claimed=False)

    def callback_meanwhile() -> None:
        record_delivery_status(DeliveryStatusReport(message_id="01JLEASE0000000000000001",
                                                    channel="line",
                                                    status=DeliveryStatus.DELIVERED),
                               uow=container.uow(), clock=clock)

    report = _deliver(container, clock, Phone(during_send=callback_meanwhile))

    assert report.sent == 1
    with container.uow() as uow:
        row = uow.outbox.get("01JLEASE0000000000000001")
        assert (row.status, row.delivery_status) == (OutboxStatus.SENT,
                                                     DeliveryStatus.DELIVERED)
