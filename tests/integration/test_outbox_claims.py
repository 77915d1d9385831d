"""Dispatchers in several processes (Celery workers, `bench --processes N`) claim disjoint
batches of the outbox on the real databases: each message goes out exactly once, none is left
behind, and no dispatcher is turned away while messages are waiting (ADR 0065). Here each
dispatcher is a thread with its own connections, as a process would have."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence

import pytest
from sqlalchemy import inspect

from application.messaging.delivering_outbox import DeliveryReport, deliver_outbox
from application.messaging.outbox import DeliveryStatus, OutboxMessage, OutboxStatus
from application.ports.messaging import DeliveryOutcome, DeliveryResult, OutgoingMessage
from application.ports.unit_of_work import ConcurrentUpdate
from entrypoints.containers import Container
from tests.fakes import FakeClock

pytestmark = pytest.mark.integration

MESSAGES = 120
BATCH = 10


class Phone:
    """A channel that takes a moment to answer, as LINE does, and counts what it was given."""

    name = "line"

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self._lock = threading.Lock()

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        time.sleep(0.002)
        with self._lock:
            self.sent[idempotency_key] += 1
        return DeliveryResult(DeliveryOutcome.DELIVERED)

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        raise AssertionError("personal messages: no group send")


def _queue(container: Container, clock: FakeClock) -> list[str]:
    messages = [OutboxMessage.of([OutgoingMessage(text=f"お知らせ {n}")],
                                 id=f"01JCLAIM{n:016d}", channel="line",
                                 recipient=f"U{n:032d}", at=clock.now())
                for n in range(MESSAGES)]
    with container.uow() as uow:
        uow.outbox.add_many(messages)
        uow.commit()
    return [m.id for m in messages]


def _race(container: Container, clock: FakeClock, phone: Phone,
          dispatchers: int) -> list[list[DeliveryReport]]:
    """Each dispatcher delivers batches until one finds nothing to do (as the Celery task
    `madoguchi.deliver_outbox` does)."""
    reports: list[list[DeliveryReport]] = [[] for _ in range(dispatchers)]
    start = threading.Barrier(dispatchers)

    def dispatch(mine: list[DeliveryReport]) -> None:
        start.wait()
        while True:
            report = deliver_outbox(uow_factory=container.uow, channels={"line": phone},
                                    clock=clock, limit=BATCH)
            mine.append(report)
            if not report.handled:
                return

    threads = [threading.Thread(target=dispatch, args=(mine,)) for mine in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return reports


def test_two_dispatchers_racing_deliver_each_message_exactly_once(
        container: Container) -> None:
    clock, phone = FakeClock(), Phone()
    ids = _queue(container, clock)

    reports = _race(container, clock, phone, dispatchers=2)

    assert sorted(phone.sent) == ids
    assert set(phone.sent.values()) == {1}
    with container.uow() as uow:
        statuses = {m.status for m in uow.outbox.get_many(ids).values()}
    assert statuses == {OutboxStatus.SENT}
    assert sum(r.sent for mine in reports for r in mine) == MESSAGES


def test_racing_dispatchers_each_claim_batches_of_their_own(container: Container) -> None:
    """Neither is turned away by the other's claim (before: both read the same batch, one
    claim lost to the other and that dispatcher stopped with messages still waiting)."""
    clock, phone = FakeClock(), Phone()
    _queue(container, clock)

    reports = _race(container, clock, phone, dispatchers=2)

    for mine in reports:
        *batches, last = mine
        assert all(r.sent == BATCH for r in batches)  # full batches until the end
        assert last.handled == 0
    assert all(sum(r.sent for r in mine) > 0 for mine in reports)


def test_a_batch_is_saved_at_once_but_not_over_a_row_another_changed_meanwhile(
        container: Container) -> None:
    clock = FakeClock()
    first, second, third = _queue(container, clock)[:3]
    with container.uow() as uow:
        rows = uow.outbox.get_many([first, second])
        with container.uow() as callback:  # a provider's report on the first, meanwhile
            callback.outbox.get(first).record_status(DeliveryStatus.DELIVERED)
            callback.commit()
        for row in rows.values():
            row.claim(clock.now())
        with pytest.raises(ConcurrentUpdate):
            uow.outbox.save_many(list(rows.values()))
    with container.uow() as uow:
        [row] = uow.outbox.get_many([third]).values()
        row.claim(clock.now())
        uow.outbox.save_many([row])
        uow.commit()
    with container.uow() as uow:
        saved = uow.outbox.get_many([first, second, third])
    assert saved[first].delivery_status is DeliveryStatus.DELIVERED
    assert (saved[first].status, saved[second].status) == (OutboxStatus.PENDING,) * 2
    assert (saved[third].status, saved[third].attempts) == (OutboxStatus.SENDING, 1)


def test_a_change_besides_the_delivery_state_is_still_written_with_the_batch(
        container: Container) -> None:
    clock = FakeClock()
    first, second = _queue(container, clock)[:2]
    with container.uow() as uow:
        rows = uow.outbox.get_many([first, second])
        rows[first].followed_by([OutgoingMessage(text="追伸")])  # its payload: not the state
        for row in rows.values():
            row.claim(clock.now())
        uow.outbox.save_many(list(rows.values()))
        uow.commit()
    with container.uow() as uow:
        saved = uow.outbox.get_many([first, second])
    assert [s.status for s in saved.values()] == [OutboxStatus.SENDING] * 2
    assert saved[first].payload["messages"][-1]["text"] == "追伸"
    assert len(saved[second].payload["messages"]) == 1


def test_a_message_read_to_record_its_delivery_reads_its_payload_only_when_used(
        container: Container) -> None:
    clock = FakeClock()
    first, second = _queue(container, clock)[:2]
    with container.uow() as uow:
        recorded = uow.outbox.states_of([first, second])
        unread = {id_: "payload" in inspect(m).unloaded for id_, m in recorded.items()}
        carried = recorded[first].carried_on(id="01JCARRIED000000000000000", channel="sms",
                                             recipient="+819000000000", at=clock.now())

    assert unread == {first: True, second: True}
    assert carried.payload["messages"][0]["text"] == "お知らせ 0"  # read, in the transaction
