"""The outbox dispatcher with in-memory fakes: grouping, blocked recipients, retries."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence

import pytest

from adapters.background.outbox_pump import DeliverNow
from application.messaging.codec import messages_to_json
from application.messaging.delivering_outbox import deliver_outbox
from application.messaging.outbox import OutboxMessage, OutboxStatus
from application.ports.messaging import DeliveryOutcome, DeliveryResult, OutgoingMessage
from application.ports.unit_of_work import ConcurrentUpdate
from domain.channels import ChannelIdentity
from tests.fakes import (
    FakeChannel,
    FakeClock,
    FakeDatabase,
    FakeUnitOfWork,
    fake_uow_factory,
)

pytestmark = pytest.mark.unit


class RecordingChannel:
    name = "line"

    def __init__(self, *, refuse: set[str] | None = None,
                 outcome: DeliveryOutcome = DeliveryOutcome.DELIVERED) -> None:
        self.calls: list[tuple[str, tuple[str, ...], str, str | None]] = []
        self.refuse = refuse or set()
        self.outcome = outcome

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        self.calls.append(("send", (recipient,), idempotency_key, reply_token))
        if recipient in self.refuse:
            return DeliveryResult(DeliveryOutcome.REJECTED, "400 bad recipient")
        return DeliveryResult(self.outcome)

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        self.calls.append(("many", tuple(recipients), idempotency_key, None))
        if self.refuse & set(recipients):
            return [(list(recipients), DeliveryResult(DeliveryOutcome.REJECTED, "400"))]
        return [(list(recipients), DeliveryResult(self.outcome))]


class BrokenChannel(RecordingChannel):
    """A client that fails in an unexpected way, with personal data in its error."""

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        raise ValueError(f"cannot send {messages[0].text!r} to {recipient}")


def _message(id: str, recipient: str, text: str, clock: FakeClock,
             reply_token: str | None = None) -> OutboxMessage:
    return OutboxMessage(id=id, channel="line", recipient=recipient,
                         payload={"messages": messages_to_json([OutgoingMessage(text=text)])},
                         created_at=clock.now(), reply_token=reply_token)


def _store(database: FakeDatabase, *messages: OutboxMessage,
           blocked: Sequence[str] = ()) -> None:
    with FakeUnitOfWork(database) as uow:
        for message in messages:
            uow.outbox.add(message)
        for address in blocked:
            identity = ChannelIdentity.first_seen(id=f"i-{address}", channel="line",
                                                  address=address, at=dt.datetime.now(dt.UTC))
            identity.block(dt.datetime.now(dt.UTC))
            uow.channel_identities.add(identity)
        uow.commit()


def _statuses(database: FakeDatabase) -> dict[str, OutboxStatus]:
    with FakeUnitOfWork(database) as uow:
        return {m.id: m.status for m in uow.outbox._store.values()}


def test_identical_first_attempts_go_together_and_the_rest_one_by_one() -> None:
    database, clock, channel = FakeDatabase(), FakeClock(), RecordingChannel()
    _store(database, *(_message(f"m{i}", f"U{i}", "受け付けました", clock) for i in range(3)),
           _message("other", "U9", "別の内容", clock),
           _message("answer", "U8", "受け付けました", clock, reply_token="tok"))

    report = deliver_outbox(uow_factory=fake_uow_factory(database),
                            channels={"line": channel}, clock=clock)

    assert report.sent == 5
    kinds = sorted((kind, recipients) for kind, recipients, _, _ in channel.calls)
    assert kinds == [("many", ("U0", "U1", "U2")), ("send", ("U8",)), ("send", ("U9",))]
    assert ("send", ("U8",), "answer", "tok") in channel.calls  # the reply token is used
    assert set(_statuses(database).values()) == {OutboxStatus.SENT}


def test_a_reply_tokens_age_counts_from_the_events_arrival_not_from_its_handling() -> None:
    """A worker may handle an event well after it arrived (a burst, a retry): its token is used
    only while it is fresh from the arrival, and not kept at all when already too old."""
    database, clock, channel = FakeDatabase(), FakeClock(), RecordingChannel()
    now = clock.now()
    reply = [OutgoingMessage(text="受け付けました")]
    fresh = OutboxMessage.of(reply, id="fresh", channel="line", recipient="U1", at=now,
                             reply_token="t1", reply_token_at=now - dt.timedelta(seconds=5))
    aging = OutboxMessage.of(reply, id="aging", channel="line", recipient="U2", at=now,
                             reply_token="t2", reply_token_at=now - dt.timedelta(seconds=45))
    stale = OutboxMessage.of(reply, id="stale", channel="line", recipient="U3", at=now,
                             reply_token="t3", reply_token_at=now - dt.timedelta(seconds=55))
    assert stale.reply_token is None and aging.reply_token == "t2"
    _store(database, fresh, aging, stale)
    clock.advance(seconds=10)  # the dispatcher comes 10 s later

    deliver_outbox(uow_factory=fake_uow_factory(database), channels={"line": channel},
                   clock=clock)

    tokens = {recipients: token for _, recipients, _, token in channel.calls
              if len(recipients) == 1}
    assert tokens[("U1",)] == "t1"  # 15 s after arrival: a reply
    assert all(token != "t2" for *_, token in channel.calls)  # 55 s: pushed, not replied
    assert set(_statuses(database).values()) == {OutboxStatus.SENT}


class OneByOneChannel(RecordingChannel):
    """A channel whose messages are personal each (SMS: a link of its own)."""

    name = "sms"
    one_by_one = True


def test_a_channel_that_sends_one_by_one_never_gets_a_group_send() -> None:
    database, clock, channel = FakeDatabase(), FakeClock(), OneByOneChannel()
    _store(database, *(OutboxMessage.of([OutgoingMessage(text="お知らせ")], id=f"m{i}",
                                        channel="sms", recipient=f"+8190000000{i:02d}",
                                        at=clock.now()) for i in range(3)))

    report = deliver_outbox(uow_factory=fake_uow_factory(database),
                            channels={"sms": channel}, clock=clock)

    assert report.sent == 3
    assert sorted((kind, key) for kind, _, key, _ in channel.calls) == [
        ("send", "m0"), ("send", "m1"), ("send", "m2")]  # each under its outbox id


def test_a_second_identical_message_to_the_same_resident_goes_in_another_request() -> None:
    database, clock, channel = FakeDatabase(), FakeClock(), RecordingChannel()
    _store(database, _message("m1", "U1", "お知らせ", clock),
           _message("m2", "U1", "お知らせ", clock), _message("m3", "U2", "お知らせ", clock),
           _message("m4", "U1", "お知らせ", clock))

    report = deliver_outbox(uow_factory=fake_uow_factory(database),
                            channels={"line": channel}, clock=clock)

    assert report.sent == 4
    for _, recipients, _, _ in channel.calls:  # a multicast reaches each recipient once
        assert len(set(recipients)) == len(recipients)
    to_u1 = sum(recipients.count("U1") for _, recipients, _, _ in channel.calls)
    assert to_u1 == 3  # one request per message to U1
    assert len({key for _, _, key, _ in channel.calls}) == len(channel.calls)


def test_a_blocked_recipient_is_never_sent_anything() -> None:
    database, clock, channel = FakeDatabase(), FakeClock(), RecordingChannel()
    _store(database, _message("m1", "Ublocked", "お知らせ", clock),
           _message("m2", "Ufriend", "お知らせ", clock), blocked=["Ublocked"])

    deliver_outbox(uow_factory=fake_uow_factory(database), channels={"line": channel},
                   clock=clock)

    assert all("Ublocked" not in recipients for _, recipients, _, _ in channel.calls)
    assert _statuses(database) == {"m1": OutboxStatus.FAILED, "m2": OutboxStatus.SENT}


def test_a_group_refused_for_one_bad_recipient_is_sent_one_by_one() -> None:
    database, clock = FakeDatabase(), FakeClock()
    channel = RecordingChannel(refuse={"Ubad"})
    _store(database, *(_message(f"m{i}", u, "お知らせ", clock)
                       for i, u in enumerate(["Ua", "Ubad", "Uc"])))
    deliver = fake_uow_factory(database)

    deliver_outbox(uow_factory=deliver, channels={"line": channel}, clock=clock)
    deliver_outbox(uow_factory=deliver, channels={"line": channel}, clock=clock)

    assert _statuses(database) == {"m0": OutboxStatus.SENT, "m1": OutboxStatus.FAILED,
                                   "m2": OutboxStatus.SENT}
    retried = [c for c in channel.calls if c[0] == "send"]
    assert sorted(c[1][0] for c in retried) == ["Ua", "Ubad", "Uc"]
    assert {c[2] for c in retried} == {"m0", "m1", "m2"}  # each with its own key


def test_a_refused_groups_members_go_one_by_one_in_the_same_wake() -> None:
    database, clock = FakeDatabase(), FakeClock()
    channel = RecordingChannel(refuse={"Ubad"})
    _store(database, *(_message(f"m{i}", u, "お知らせ", clock)
                       for i, u in enumerate(["Ua", "Ubad", "Uc"])))

    DeliverNow(lambda: deliver_outbox(uow_factory=fake_uow_factory(database),
                                      channels={"line": channel}, clock=clock)).wake()

    assert _statuses(database) == {"m0": OutboxStatus.SENT, "m1": OutboxStatus.FAILED,
                                   "m2": OutboxStatus.SENT}


def test_a_channel_answering_each_recipient_of_a_group_sets_each_message_on_its_own() -> None:
    """E-mail sends a group one mail per recipient: a hard bounce fails that message alone,
    and those accepted are not sent again one by one."""
    database, clock = FakeDatabase(), FakeClock()
    channel = FakeChannel("line")
    channel.unknown.add("Ugone")
    _store(database, *(_message(f"m{i}", u, "お知らせ", clock)
                       for i, u in enumerate(["Ua", "Ugone", "Uc"])))

    report = deliver_outbox(uow_factory=fake_uow_factory(database), channels={"line": channel},
                            clock=clock)

    assert (report.sent, report.failed, report.retrying) == (2, 1, 0)
    assert _statuses(database) == {"m0": OutboxStatus.SENT, "m1": OutboxStatus.FAILED,
                                   "m2": OutboxStatus.SENT}
    assert {r: len(m) for r, m in channel.received.items()} == {"Ua": 1, "Uc": 1}


def test_an_optional_message_is_not_sent_where_the_resident_declined_them() -> None:
    database, clock, channel = FakeDatabase(), FakeClock(), RecordingChannel()
    news = messages_to_json([OutgoingMessage(text="町のお知らせ", essential=False)])
    _store(database, *(OutboxMessage(id=f"news-{u}", channel="line", recipient=u,
                                     payload={"messages": news}, created_at=clock.now())
                       for u in ("Udeclined", "Uwants")),
           _message("notice", "Udeclined", "給付金の決定", clock))
    with FakeUnitOfWork(database) as uow:
        for address in ("Udeclined", "Uwants"):
            identity = ChannelIdentity.first_seen(id=f"i-{address}", channel="line",
                                                  address=address, at=clock.now())
            if address == "Udeclined":
                identity.decline_optional(clock.now())
            uow.channel_identities.add(identity)
        uow.commit()

    report = deliver_outbox(uow_factory=fake_uow_factory(database),
                            channels={"line": channel}, clock=clock)

    assert (report.sent, report.failed) == (2, 1)
    assert _statuses(database) == {"news-Udeclined": OutboxStatus.FAILED,
                                   "news-Uwants": OutboxStatus.SENT,
                                   "notice": OutboxStatus.SENT}  # her own benefit still comes
    assert sum(r.count("Udeclined") for _, r, _, _ in channel.calls) == 1  # the notice only


def test_a_transient_failure_waits_out_a_back_off_then_gives_up_eventually() -> None:
    database, clock = FakeDatabase(), FakeClock()
    channel = RecordingChannel(outcome=DeliveryOutcome.RETRY_LATER)
    _store(database, _message("m1", "Ua", "お知らせ", clock))
    deliver = fake_uow_factory(database)

    first = deliver_outbox(uow_factory=deliver, channels={"line": channel}, clock=clock)
    too_soon = deliver_outbox(uow_factory=deliver, channels={"line": channel}, clock=clock)
    for _ in range(10):
        clock.advance(minutes=11)
        deliver_outbox(uow_factory=deliver, channels={"line": channel}, clock=clock)

    assert (first.retrying, too_soon.handled) == (1, 0)
    with FakeUnitOfWork(database) as uow:
        message = uow.outbox.get("m1")
    assert message.status is OutboxStatus.FAILED
    assert message.last_error.startswith("gave up after 8 attempts")


def test_a_group_that_failed_is_retried_whole_under_the_same_key() -> None:
    database, clock = FakeDatabase(), FakeClock()
    channel = RecordingChannel(outcome=DeliveryOutcome.RETRY_LATER)
    _store(database, *(_message(f"m{i}", f"U{i}", "受け付けました", clock) for i in range(3)))
    deliver = fake_uow_factory(database)

    deliver_outbox(uow_factory=deliver, channels={"line": channel}, clock=clock)
    channel.outcome = DeliveryOutcome.DELIVERED
    clock.advance(minutes=5)
    deliver_outbox(uow_factory=deliver, channels={"line": channel}, clock=clock)

    first, retry = channel.calls
    assert first[0] == retry[0] == "many"
    assert first[2] == retry[2] and first[2].startswith("group:")  # the same key both times
    assert sorted(retry[1]) == ["U0", "U1", "U2"]
    assert set(_statuses(database).values()) == {OutboxStatus.SENT}


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "application.messaging.delivering_outbox"
            and r.levelno == logging.WARNING]


def test_a_transport_failure_is_a_warning_that_names_the_outbox_ids_and_no_resident(
        caplog: pytest.LogCaptureFixture) -> None:
    database, clock = FakeDatabase(), FakeClock()
    channel = RecordingChannel(outcome=DeliveryOutcome.RETRY_LATER)
    _store(database, *(_message(f"m{i}", f"U{i}secret", "山田様の申請を受け付けました", clock)
                       for i in range(2)), _message("m9", "U9secret", "別の内容", clock))

    deliver_outbox(uow_factory=fake_uow_factory(database), channels={"line": channel},
                   clock=clock)

    warnings = sorted(_warnings(caplog))
    assert len(warnings) == 2
    assert "m0, m1" in warnings[0] and "m9" in warnings[1]
    assert not any("secret" in w or "山田" in w or "別の内容" in w for w in warnings)


def test_an_unexpected_error_is_a_warning_with_the_outbox_id_and_without_its_text(
        caplog: pytest.LogCaptureFixture) -> None:
    database, clock = FakeDatabase(), FakeClock()
    _store(database, _message("m1", "Usecret", "山田様へのお知らせ", clock))

    report = deliver_outbox(uow_factory=fake_uow_factory(database),
                            channels={"line": BrokenChannel()}, clock=clock)

    assert report.retrying == 1
    [warning] = _warnings(caplog)
    assert "m1" in warning and "ValueError" in warning
    assert "Usecret" not in warning and "山田" not in warning


def _claimed_by_a_dead_worker(database: FakeDatabase, clock: FakeClock) -> None:
    message = _message("m1", "Ua", "お知らせ", clock)
    message.claim(clock.now())  # claimed, then the process was killed before it sent
    _store(database, message)


def test_messages_claimed_by_a_dead_dispatcher_are_sent_once_the_short_lease_lapsed() -> None:
    database, clock, channel = FakeDatabase(), FakeClock(), RecordingChannel()
    _claimed_by_a_dead_worker(database, clock)
    deliver = fake_uow_factory(database)

    clock.advance(seconds=10)
    still_leased = deliver_outbox(uow_factory=deliver, channels={"line": channel}, clock=clock)
    clock.advance(seconds=6)
    taken_up = deliver_outbox(uow_factory=deliver, channels={"line": channel}, clock=clock)

    assert (still_leased.handled, taken_up.sent) == (0, 1)
    assert channel.calls == [("send", ("Ua",), "m1", None)]  # under its own key, once


class TokenChannel(RecordingChannel):
    """Records whether a send came as a retaken reply."""

    def __init__(self) -> None:
        super().__init__()
        self.retaken: list[bool] = []

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        self.retaken.append(retaken)
        return super().send(recipient, messages, idempotency_key=idempotency_key,
                            reply_token=reply_token)


def _reply_claimed_by_a_dead_worker(database: FakeDatabase, clock: FakeClock) -> None:
    message = OutboxMessage.of([OutgoingMessage(text="受け付けました")], id="m1",
                               channel="line", recipient="Ua", at=clock.now(),
                               reply_token="token-1")
    message.claim(clock.now())  # it may have replied before the process was killed
    _store(database, message)


def test_a_reply_retaken_from_a_dead_dispatcher_is_tried_with_its_token_not_pushed() -> None:
    database, clock, channel = FakeDatabase(), FakeClock(), TokenChannel()
    _reply_claimed_by_a_dead_worker(database, clock)
    clock.advance(seconds=16)

    report = deliver_outbox(uow_factory=fake_uow_factory(database),
                            channels={"line": channel}, clock=clock)

    assert report.sent == 1
    assert channel.calls == [("send", ("Ua",), "m1", "token-1")]
    assert channel.retaken == [True]  # a refused token then means the first try arrived


def test_a_reply_retaken_after_its_token_expired_is_pushed_under_its_key() -> None:
    database, clock, channel = FakeDatabase(), FakeClock(), TokenChannel()
    _reply_claimed_by_a_dead_worker(database, clock)
    clock.advance(seconds=55)

    deliver_outbox(uow_factory=fake_uow_factory(database), channels={"line": channel},
                   clock=clock)

    assert channel.calls == [("send", ("Ua",), "m1", None)]  # under its key, no token
    assert channel.retaken == [True]  # it may have arrived: the key keeps it to once


def test_only_a_message_tried_before_is_sent_as_possibly_arrived() -> None:
    """A first try is plain; a try after one without a clear answer says it may have arrived
    (a channel without idempotency keys, SMS, then looks for it before sending again)."""
    database, clock, channel = FakeDatabase(), FakeClock(), TokenChannel()
    _store(database, OutboxMessage.of([OutgoingMessage(text="お知らせ")], id="m1",
                                      channel="line", recipient="Ua", at=clock.now()))
    channel.outcome = DeliveryOutcome.RETRY_LATER  # a timeout: it may or may not have arrived

    deliver_outbox(uow_factory=fake_uow_factory(database), channels={"line": channel},
                   clock=clock)
    channel.outcome = DeliveryOutcome.DELIVERED
    clock.advance(seconds=5)
    deliver_outbox(uow_factory=fake_uow_factory(database), channels={"line": channel},
                   clock=clock)

    assert channel.retaken == [False, True]


class SlowChannel(RecordingChannel):
    """Sends for longer than the lease; meanwhile another dispatcher looks for due work."""

    def __init__(self, clock: FakeClock, other_dispatcher: object) -> None:
        super().__init__()
        self.clock, self.other_dispatcher = clock, other_dispatcher
        self.taken_by_the_other: int | None = None

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        self.clock.advance(minutes=3)
        time.sleep(0.2)  # the claim is renewed meanwhile
        self.taken_by_the_other = self.other_dispatcher().handled  # type: ignore[operator]
        return super().send(recipient, messages, idempotency_key=idempotency_key,
                            reply_token=reply_token)


def test_a_dispatcher_still_sending_renews_its_claim_so_no_other_takes_the_message() -> None:
    database, clock = FakeDatabase(), FakeClock()
    _store(database, _message("m1", "Ua", "お知らせ", clock))
    deliver = fake_uow_factory(database)
    idle = RecordingChannel()
    channel = SlowChannel(clock, lambda: deliver_outbox(
        uow_factory=deliver, channels={"line": idle}, clock=clock))

    report = deliver_outbox(uow_factory=deliver, channels={"line": channel}, clock=clock,
                            renew_every=0.02)

    assert (report.sent, channel.taken_by_the_other, idle.calls) == (1, 0, [])


class ReportMeanwhile(FakeUnitOfWork):
    """The unit of work that records outcomes (it reads the claimed rows back) meets a
    provider's report written meanwhile: its commit conflicts once, as a real database's
    version check would say."""

    conflicts = 1

    def __enter__(self) -> ReportMeanwhile:
        super().__enter__()
        self.read_back, states_of = False, self.outbox.states_of

        def read_many(ids):  # type: ignore[no-untyped-def]
            self.read_back = True
            return states_of(ids)
        self.outbox.states_of = read_many  # type: ignore[method-assign]
        return self

    def commit(self) -> None:
        if self.read_back and ReportMeanwhile.conflicts:
            ReportMeanwhile.conflicts -= 1
            raise ConcurrentUpdate("a status callback wrote the row")
        super().commit()


def test_an_outcome_recorded_while_a_providers_report_wrote_the_row_is_recorded_again() -> None:
    database, clock, channel = FakeDatabase(), FakeClock(), RecordingChannel()
    _store(database, _message("m1", "Ua", "お知らせ", clock))

    report = deliver_outbox(uow_factory=lambda: ReportMeanwhile(database),
                            channels={"line": channel}, clock=clock)

    assert report.sent == 1 and ReportMeanwhile.conflicts == 0
    assert database.tables["outbox"]["m1"].status is OutboxStatus.SENT


def test_a_batch_as_large_as_the_limit_says_more_may_be_due_and_a_smaller_one_does_not() -> None:
    database, clock, channel = FakeDatabase(), FakeClock(), RecordingChannel()
    _store(database, *(_message(f"m{i}", f"U{i}", f"お知らせ {i}", clock) for i in range(3)))
    deliver = lambda: deliver_outbox(uow_factory=fake_uow_factory(database),  # noqa: E731
                                     channels={"line": channel}, clock=clock, limit=2)

    first, second = deliver(), deliver()

    assert (first.sent, first.more) == (2, True)
    assert (second.sent, second.more) == (1, False)
