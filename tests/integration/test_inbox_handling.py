"""The inbox as the webhook's work queue (ADR 0062), on the real database: stored once, handled
exactly once by workers racing each other, each resident's events in the order they came; a
failing event set aside after its tries; a row never woken handled by the sweep."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import pytest
from sqlalchemy import Engine, event, func, select

from adapters.background.inbox_workers import InboxWorkers
from adapters.persistence.orm.messaging import inbox, outbox
from application.channels.handling_inbox import BACK_OFF, InboxHandler
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.receiving_inbound import receive_events
from entrypoints.containers import Container

pytestmark = pytest.mark.integration

AT = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)


def _text(user: int, n: int, text: str = "こんにちは") -> InboundEvent:
    return InboundEvent(channel="line", external_id=f"01EV{user:03d}{n:05d}",
                        address=f"U{user:032d}", kind=InboundKind.TEXT, occurred_at=AT,
                        text=text, reply_token=None)


def _store(container: Container, events: list[InboundEvent]) -> list[str]:
    return receive_events(events, queue=container.inbox_queue(), ids=container.ids(),
                          clock=container.clock()).ids


def _rows(engine: Engine) -> list:  # type: ignore[type-arg]
    with engine.connect() as connection:
        return list(connection.execute(select(inbox).order_by(inbox.c.received_at,
                                                              inbox.c.id)))


def _count(engine: Engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _handler(container: Container, clock: object = None) -> InboxHandler:
    """The container's handling, without waking the outbox (no LINE platform here)."""
    router = container.inbound_router()

    def route(event: InboundEvent, inbox_id: str) -> bool:
        return router.handle(event, uow=container.uow(), inbox_id=inbox_id)

    return InboxHandler(queue=container.inbox_queue(), route=lambda: route,
                        clock=clock or container.clock())  # type: ignore[arg-type]


class _Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.at = now

    def now(self) -> dt.datetime:
        return self.at


def test_a_redelivered_event_is_stored_once_and_its_text_is_encrypted(
        container: Container, engine: Engine) -> None:
    events = [_text(1, n, text="山田花子です") for n in range(3)]

    first = _store(container, events)
    again = _store(container, events[1:])  # LINE redelivers two of them

    assert len(first) == 3 and again == []
    rows = _rows(engine)
    assert [row.external_id for row in rows] == [e.external_id for e in events]
    with engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT event, payload FROM inbox").all()
    assert all("山田" not in row.event and "山田" not in row.payload for row in raw)
    assert container.inbox_queue().backlog() == 3


@pytest.mark.parametrize("size, one_statement", [(3, True), (500, True), (501, False)])
def test_a_delivery_is_stored_by_one_statement_or_one_transaction(
        container: Container, engine: Engine, size: int, one_statement: bool) -> None:
    """On PostgreSQL a delivery that fits one statement is stored without BEGIN and COMMIT
    (the statement is its own transaction); a larger one, in several statements, in one
    transaction (ADR 0079). Either way each row once, a redelivered part stored again never."""
    events = [_text(n % 7, n) for n in range(size)]
    sent: list[str] = []
    commits: list[object] = []

    def statement(*args: object) -> None:
        sent.append(str(args[2]).split()[0].upper())

    def commit(connection: object) -> None:
        commits.append(connection)

    writes = container.engine()  # the queue's own engine
    event.listen(writes, "before_cursor_execute", statement)
    event.listen(writes, "commit", commit)
    try:
        stored = _store(container, events)
    finally:
        event.remove(writes, "before_cursor_execute", statement)
        event.remove(writes, "commit", commit)

    assert len(stored) == size and _store(container, events[:2]) == []
    assert _count(engine, inbox) == size
    if engine.dialect.name == "postgresql":
        assert (commits == []) is one_statement
        assert sent.count("INSERT") == 1 if one_statement else sent.count("INSERT") >= 1


def test_two_workers_racing_handle_each_event_exactly_once_and_each_residents_in_order(
        container: Container, engine: Engine) -> None:
    users, each = 4, 6
    events = [_text(user, n) for n in range(each) for user in range(users)]
    ids = _store(container, events)
    _store(container, events[::3])  # redeliveries: nothing more to do
    handler = _handler(container)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def work(ids_or_none: list[str] | None) -> None:
        start.wait()
        try:
            handler(ids_or_none)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(arg,))
               for arg in (None, None, ids[: len(ids) // 2], ids[len(ids) // 2:])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    handler(None)  # what a worker stepped back from (another had the resident) is swept

    assert errors == []
    rows = _rows(engine)
    assert all(row.processed_at is not None and row.event is None for row in rows)
    assert _count(engine, outbox) == users * each  # one reply each: none doubled, none lost
    for user in range(users):
        mine = [row for row in rows if row.address == f"U{user:032d}"]
        assert [row.processed_at for row in mine] == sorted(row.processed_at for row in mine)


def test_an_earlier_event_stored_while_a_later_one_is_handled_goes_first_then_the_later_one(
        container: Container, engine: Engine) -> None:
    """Two deliveries of one resident can commit out of order (the later one waiting for the
    write lock): the later event's handling rolls back, gives its lease back, and the same
    call handles the earlier event and then the later one, at once (not after a lease)."""
    later = _text(9, 1)
    [later_id] = receive_events([later], queue=container.inbox_queue(), ids=container.ids(),
                                clock=_Clock(AT)).ids  # type: ignore[arg-type]
    router, handled = container.inbound_router(), []

    def route(event: InboundEvent, inbox_id: str) -> bool:
        if not handled:  # the earlier delivery commits now, received a second before
            receive_events([_text(9, 0)], queue=container.inbox_queue(), ids=container.ids(),
                           clock=_Clock(AT - dt.timedelta(seconds=1)))  # type: ignore[arg-type]
        fresh = router.handle(event, uow=container.uow(), inbox_id=inbox_id)
        handled.append((event.external_id, fresh))
        return fresh

    handler = InboxHandler(queue=container.inbox_queue(), route=lambda: route,
                           clock=_Clock(AT + dt.timedelta(seconds=1)))  # type: ignore[arg-type]
    assert handler([later_id]) == 2

    assert handled == [(later.external_id, False), (_text(9, 0).external_id, True),
                       (later.external_id, True)]
    rows = _rows(engine)
    assert all(row.processed_at is not None and row.claimed_until is None for row in rows)


def test_a_failing_event_is_tried_again_then_set_aside_and_the_residents_later_events_go_on(
        container: Container, engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    poison = _text(1, 0, text="毒のある 090-1234-5678")
    later, other = [_text(1, 1), _text(1, 2)], _text(2, 0)
    _store(container, [poison, *later, other])
    router, clock = container.inbound_router(), _Clock(AT)

    def route(event: InboundEvent, inbox_id: str) -> bool:
        if event.external_id == poison.external_id:
            raise RuntimeError(f"cannot read {event.text}")
        return router.handle(event, uow=container.uow(), inbox_id=inbox_id)

    handler = InboxHandler(queue=container.inbox_queue(), route=lambda: route, clock=clock)

    assert handler(None) == 1  # the other resident's; the first one's wait behind the failure
    for pause in BACK_OFF:
        assert handler(None) == 0  # not due yet
        clock.at += pause
        handled = handler(None)
    assert handled == 2  # set aside after its last try: the later two go on

    by_id = {row.external_id: row for row in _rows(engine)}
    assert by_id[poison.external_id].failed_at is not None
    assert by_id[poison.external_id].attempts == len(BACK_OFF) + 1
    assert by_id[poison.external_id].processed_at is None
    assert all(by_id[e.external_id].processed_at is not None for e in [*later, other])
    assert container.inbox_queue().backlog() == 0
    assert "090" not in caplog.text and "毒" not in caplog.text
    assert poison.external_id in caplog.text


def test_a_wake_for_events_already_handled_reads_no_residents_events(
        container: Container, engine: Engine) -> None:
    """After a burst, the wakes of events a sweep or another worker handled first still wait
    in line: each must cost one read for all its rows, not a read of each resident's events,
    or the events that come next wait behind seconds of them."""
    queue = container.inbox_queue()
    first = _store(container, [_text(user, 0) for user in range(5)])
    assert _handler(container)(None) == 5  # the sweep got there first
    later = _store(container, [_text(2, 1)])  # one of them writes again: its own wake is due
    assert queue.senders_of([*first, *later]) == [("line", f"U{2:032d}")]

    handler = _handler(container)
    assert handler(first) == 0 and queue.backlog() == 1  # the stale wake names no one
    assert handler(later) == 1 and queue.backlog() == 0
    assert _count(engine, outbox) == 6


def test_an_event_stored_and_never_woken_is_handled_by_the_workers_sweep(
        container: Container, engine: Engine) -> None:
    workers = InboxWorkers(_handler(container), threads=2, sweep_seconds=0.2)
    try:
        workers.wake([])  # started (as the web process starts them), nothing to do
        _store(container, [_text(3, 0), _text(3, 1)])  # stored; the process died before waking
        deadline = time.monotonic() + 30
        while container.inbox_queue().backlog() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        workers.stop()

    assert container.inbox_queue().backlog() == 0
    assert _count(engine, outbox) == 2


def test_the_workers_handle_what_they_are_woken_for_and_stop_cleanly(
        container: Container, engine: Engine) -> None:
    workers = InboxWorkers(_handler(container), threads=3, sweep_seconds=30)
    try:
        for user in range(6):
            workers.wake(_store(container, [_text(user, n) for n in range(3)]))
        assert workers.wait_idle(60)
    finally:
        workers.stop()

    assert container.inbox_queue().backlog() == 0
    assert _count(engine, outbox) == 18
    assert not [t for t in threading.enumerate() if t.name.startswith("madoguchi-inbox")]


def test_the_sweep_logs_nothing_personal_when_the_database_is_away(
        container: Container, caplog: pytest.LogCaptureFixture) -> None:
    def broken(ids: object, **options: object) -> None:
        raise RuntimeError("connection refused")

    workers = InboxWorkers(broken, threads=1, sweep_seconds=30)
    try:
        with caplog.at_level(logging.ERROR):
            workers.wake(None)
            assert workers.wait_idle(10)
    finally:
        workers.stop()
    assert "the sweep tries again" in caplog.text
