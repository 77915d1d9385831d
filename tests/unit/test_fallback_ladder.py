"""The fallback ladder with in-memory fakes: the policy's first rung, a permanent failure moving a
notice to the person's next rung once, the last rung leaving the postal list, and delivery
statuses from outcomes and provider reports (ADR 0041)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from application.access.actor import Actor
from application.channels.checking_friends import CheckFriends, check_friends
from application.messaging.delivering_outbox import deliver_outbox
from application.messaging.fallback import next_rung
from application.messaging.ladder import DEFAULT_LADDER, ladder_in
from application.messaging.outbox import DeliveryStatus, OutboxMessage, OutboxStatus
from application.messaging.recording_delivery_status import (
    DeliveryStatusReport,
    record_delivery_status,
)
from application.messaging.setting_ladder import SetLadder, set_ladder
from application.messaging.telling import ContactPolicy, Telling
from application.ports.messaging import DeliveryOutcome, DeliveryResult, OutgoingMessage
from domain.access import Role
from domain.channels import ChannelIdentity, IdentityStatus, Ladder
from domain.errors import InvalidValue, NotAllowed
from domain.households import Household
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds, fake_uow_factory

pytestmark = pytest.mark.unit

CLOCK = FakeClock()
NOTICE = [OutgoingMessage(text="給付金のお知らせ")]
ADMIN = Actor(id="s1", role=Role.ADMINISTRATOR, label="管理者")


class Channel:
    """A channel that answers with one outcome for some recipients, delivered for the rest."""

    def __init__(self, name: str, *, fails: dict[str, DeliveryOutcome] | None = None,
                 ref: str = "") -> None:
        self.name, self.fails, self.ref = name, fails or {}, ref
        self.sent: list[str] = []

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        self.sent.append(recipient)
        if recipient in self.fails:
            return DeliveryResult(self.fails[recipient], "no")
        return DeliveryResult(DeliveryOutcome.DELIVERED, provider_ref=self.ref)

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        return [([r], self.send(r, messages, idempotency_key=idempotency_key))
                for r in recipients]


def _identity(id: str, channel: str, address: str, resident: str = "r1") -> ChannelIdentity:
    identity = ChannelIdentity.first_seen(id=id, channel=channel, address=address,
                                          at=CLOCK.now())
    identity.link(resident)
    return identity


@pytest.fixture
def database() -> FakeDatabase:
    """Household h1, head r1 on LINE (U1), SMS (+819011112222) and e-mail (a@example.jp)."""
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        uow.households.add(Household.found(id="h1", household_number="H1",
                                           head_resident_id="r1"))
        for identity in (_identity("i1", "line", "U1"), _identity("i2", "sms", "+819011112222"),
                         _identity("i3", "email", "a@example.jp")):
            uow.channel_identities.add(identity)
        uow.commit()
    return database


def _tell(database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        Telling(None, SequentialIds("n"), CLOCK).households(uow, [("h1", NOTICE)])
        uow.commit()


def _outbox(database: FakeDatabase) -> list[OutboxMessage]:
    return sorted(database.tables["outbox"].values(), key=lambda m: (m.created_at, m.id))


def _deliver(database: FakeDatabase, *channels: Channel) -> None:
    CLOCK.advance(seconds=1)
    deliver_outbox(uow_factory=fake_uow_factory(database),
                   channels={c.name: c for c in channels}, clock=CLOCK)


def test_the_policy_picks_the_first_rung_that_reaches_the_person() -> None:
    identities = [_identity("i1", "line", "U1"), _identity("i2", "sms", "+819011112222")]
    identities[0].block(CLOCK.now())
    assert [i.address for i in ContactPolicy(("line", "sms")).choose(identities)] == [
        "+819011112222"]
    assert ContactPolicy(("email",)).choose(identities) == []


def test_the_next_rung_skips_rungs_tried_and_identities_that_fail() -> None:
    identities = [_identity("i1", "line", "U1"), _identity("i2", "sms", "+819011112222"),
                  _identity("i3", "email", "a@example.jp")]
    identities[1].mark_unreachable(CLOCK.now())
    chosen = next_rung(Ladder(("line", "sms", "email")), {"line"}, identities)
    assert chosen is not None and chosen.channel == "email"
    assert next_rung(Ladder(("line", "sms")), {"line"}, identities) is None


def test_a_ladder_refuses_an_unknown_or_repeated_channel() -> None:
    with pytest.raises(InvalidValue):
        Ladder(("line", "fax"))
    with pytest.raises(InvalidValue):
        Ladder(("sms", "sms"))
    with pytest.raises(InvalidValue):
        Ladder(())


def test_telling_follows_the_ladder_staff_set_without_a_restart(database: FakeDatabase) -> None:
    set_ladder(SetLadder(("email", "line")), actor=ADMIN, uow=FakeUnitOfWork(database),
               clock=CLOCK)
    _tell(database)
    assert [(m.channel, m.recipient) for m in _outbox(database)] == [("email", "a@example.jp")]
    with FakeUnitOfWork(database) as uow:
        assert ladder_in(uow).channels == ("email", "line")
        [entry] = uow.audit.values()
    assert (entry.action, entry.detail["before"], entry.detail["after"]) == (
        "ladder.set", "LINE → SMS → メール → 郵送", "メール → LINE → 郵送")


def test_only_administrators_set_the_ladder(database: FakeDatabase) -> None:
    with pytest.raises(NotAllowed):
        set_ladder(SetLadder(("sms",)), actor=Actor(id="s2", role=Role.APPROVER),
                   uow=FakeUnitOfWork(database), clock=CLOCK)
    with FakeUnitOfWork(database) as uow:
        assert ladder_in(uow) == DEFAULT_LADDER


def test_a_line_block_moves_the_notice_to_sms_once(database: FakeDatabase) -> None:
    _tell(database)
    line = Channel("line", fails={"U1": DeliveryOutcome.BLOCKED})
    sms = Channel("sms")
    _deliver(database, line, sms)
    first, carried = _outbox(database)
    assert (first.status, first.delivery_status) == (OutboxStatus.FAILED,
                                                     DeliveryStatus.PERMANENT_FAILURE)
    assert (carried.channel, carried.recipient, carried.fallback_of) == (
        "sms", "+819011112222", first.id)
    assert database.tables["channel_identities"]["i1"].status is IdentityStatus.BLOCKED
    _deliver(database, line, sms)
    _deliver(database, line, sms)
    assert sms.sent == ["+819011112222"] and line.sent == ["U1"]
    assert [m.delivery_status for m in _outbox(database)] == [
        DeliveryStatus.PERMANENT_FAILURE, DeliveryStatus.DELIVERED]


class Friends:
    """LINE's answer per user: a friend, gone (blocked), or no answer."""

    def __init__(self, answers: dict[str, bool | None]) -> None:
        self.answers, self.asked = answers, []  # type: ignore[var-annotated]

    def is_friend(self, address: str) -> bool | None:
        self.asked.append(address)
        return self.answers.get(address, True)


def test_a_block_the_town_never_heard_of_is_found_and_the_notice_goes_by_sms(
        database: FakeDatabase) -> None:
    """LINE takes a push to a user who blocked the account and delivers nothing: the check
    finds the user gone, and the next notice goes down the ladder instead."""
    result = check_friends(CheckFriends(ADMIN), uow_factory=fake_uow_factory(database),
                           friends=Friends({"U1": False}), clock=CLOCK)
    again = check_friends(CheckFriends(ADMIN), uow_factory=fake_uow_factory(database),
                          friends=Friends({"U1": False}), clock=CLOCK)
    _tell(database)

    assert (result.checked, result.blocked, result.unknown) == (1, 1, 0)
    assert again.checked == 0  # a blocked identity is not asked about again
    assert database.tables["channel_identities"]["i1"].status is IdentityStatus.BLOCKED
    assert [(m.channel, m.recipient) for m in _outbox(database)] == [("sms", "+819011112222")]
    with FakeUnitOfWork(database) as uow:
        assert [e.action for e in uow.audit.values()
                if e.action.startswith("channel.")] == ["channel.block_found"]


def test_a_user_line_cannot_tell_about_stays_as_is_and_the_limit_holds(
        database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        for n in range(3):
            uow.channel_identities.add(_identity(f"j{n}", "line", f"U9{n}"))
        uow.commit()
    friends = Friends({"U1": None})

    result = check_friends(CheckFriends(ADMIN, limit=2), uow_factory=fake_uow_factory(database),
                           friends=friends, clock=CLOCK)

    assert (result.checked, result.blocked, result.unknown) == (2, 0, 1)
    assert friends.asked == ["U1", "U90"]  # by identity id, at most the limit
    assert database.tables["channel_identities"]["i1"].status is IdentityStatus.FOLLOWING


def test_each_rung_is_tried_once_then_nothing_is_left(database: FakeDatabase) -> None:
    _tell(database)
    line = Channel("line", fails={"U1": DeliveryOutcome.BLOCKED})
    sms = Channel("sms", fails={"+819011112222": DeliveryOutcome.BLOCKED})  # 21211
    email = Channel("email", fails={"a@example.jp": DeliveryOutcome.BLOCKED})  # 550 at RCPT
    for _ in range(4):
        _deliver(database, line, sms, email)
    assert [(m.channel, m.status) for m in _outbox(database)] == [
        ("line", OutboxStatus.FAILED), ("sms", OutboxStatus.FAILED),
        ("email", OutboxStatus.FAILED)]
    identities = database.tables["channel_identities"]
    assert identities["i2"].status is IdentityStatus.UNREACHABLE
    assert identities["i3"].status is IdentityStatus.UNREACHABLE
    assert (line.sent, sms.sent, email.sent) == (["U1"], ["+819011112222"], ["a@example.jp"])


def test_a_reply_in_a_dialog_does_not_move_down_the_ladder(database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.outbox.add(OutboxMessage.of(NOTICE, id="reply", channel="line", recipient="U1",
                                        at=CLOCK.now()))
        uow.commit()
    _deliver(database, Channel("line", fails={"U1": DeliveryOutcome.BLOCKED}), Channel("sms"))
    assert [m.id for m in _outbox(database)] == ["reply"]


def test_a_provider_that_reports_back_keeps_the_message_sending_until_it_does(
        database: FakeDatabase) -> None:
    set_ladder(SetLadder(("sms",)), actor=ADMIN, uow=FakeUnitOfWork(database), clock=CLOCK)
    _tell(database)
    _deliver(database, Channel("sms", ref="SM1"))
    [message] = _outbox(database)
    assert (message.status, message.delivery_status, message.provider_ref) == (
        OutboxStatus.SENT, DeliveryStatus.SENDING, "SM1")
    report = DeliveryStatusReport(channel="sms", provider_ref="SM1",
                                  status=DeliveryStatus.DELIVERED)
    assert record_delivery_status(report, uow=FakeUnitOfWork(database), clock=CLOCK)
    assert not record_delivery_status(report, uow=FakeUnitOfWork(database), clock=CLOCK)
    late = DeliveryStatusReport(message_id=message.id, status=DeliveryStatus.TEMPORARY_FAILURE)
    assert not record_delivery_status(late, uow=FakeUnitOfWork(database), clock=CLOCK)
    # the provider's own receipt is final: unlike a mere "accepted" (SMTP), no later failure
    failed = DeliveryStatusReport(message_id=message.id, status=DeliveryStatus.PERMANENT_FAILURE)
    assert not record_delivery_status(failed, uow=FakeUnitOfWork(database), clock=CLOCK)
    assert _outbox(database)[0].delivery_status is DeliveryStatus.DELIVERED


def test_a_late_still_sending_report_changes_no_status(database: FakeDatabase) -> None:
    """Callbacks come out of order: a "sent" after "undelivered, phone off" leaves the
    temporary failure shown (the message is not sending again)."""
    set_ladder(SetLadder(("sms",)), actor=ADMIN, uow=FakeUnitOfWork(database), clock=CLOCK)
    _tell(database)
    _deliver(database, Channel("sms", ref="SM1"))
    for status in (DeliveryStatus.TEMPORARY_FAILURE, DeliveryStatus.SENDING):
        record_delivery_status(DeliveryStatusReport(channel="sms", provider_ref="SM1",
                                                    status=status),
                               uow=FakeUnitOfWork(database), clock=CLOCK)

    assert _outbox(database)[0].delivery_status is DeliveryStatus.TEMPORARY_FAILURE


def test_an_undelivered_report_moves_the_notice_to_the_next_rung_once(
        database: FakeDatabase) -> None:
    set_ladder(SetLadder(("sms", "email")), actor=ADMIN, uow=FakeUnitOfWork(database),
               clock=CLOCK)
    _tell(database)
    _deliver(database, Channel("sms", ref="SM1"))
    undelivered = DeliveryStatusReport(channel="sms", provider_ref="SM1", detail="30005",
                                       status=DeliveryStatus.PERMANENT_FAILURE)
    for _ in range(2):  # the provider calls back twice
        record_delivery_status(undelivered, uow=FakeUnitOfWork(database), clock=CLOCK)
    first, carried = _outbox(database)
    assert (first.status, first.delivery_status) == (OutboxStatus.FAILED,
                                                     DeliveryStatus.PERMANENT_FAILURE)
    assert (carried.channel, carried.fallback_of) == ("email", first.id)
    assert database.tables["channel_identities"]["i2"].status is IdentityStatus.UNREACHABLE


def test_a_report_before_the_reference_is_kept_finds_the_message_by_its_id_on_its_channel(
        database: FakeDatabase) -> None:
    set_ladder(SetLadder(("sms",)), actor=ADMIN, uow=FakeUnitOfWork(database), clock=CLOCK)
    _tell(database)
    [message] = _outbox(database)  # not sent yet: no provider_ref on the row
    elsewhere = DeliveryStatusReport(message_id=message.id, channel="email",
                                     provider_ref="SM1", status=DeliveryStatus.DELIVERED)
    assert not record_delivery_status(elsewhere, uow=FakeUnitOfWork(database), clock=CLOCK)

    early = DeliveryStatusReport(message_id=message.id, channel="sms", provider_ref="SM1",
                                 status=DeliveryStatus.DELIVERED)

    assert record_delivery_status(early, uow=FakeUnitOfWork(database), clock=CLOCK)
    assert _outbox(database)[0].delivery_status is DeliveryStatus.DELIVERED


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_a_message_refused_for_what_it_is_moves_on_but_leaves_the_address_reachable(
        database: FakeDatabase, channel: str) -> None:
    """A mail refused at DATA (552 too big, 554 its content) is no hard bounce; an SMS request
    Twilio refuses (401, 21602) is about the request: the notice moves on, the address stays."""
    rungs = (channel, "line")
    set_ladder(SetLadder(rungs), actor=ADMIN, uow=FakeUnitOfWork(database), clock=CLOCK)
    _tell(database)
    address = {"email": "a@example.jp", "sms": "+819011112222"}[channel]
    refusing, line = Channel(channel, fails={address: DeliveryOutcome.REJECTED}), Channel("line")
    for _ in range(2):
        _deliver(database, refusing, line)

    assert [(m.channel, m.delivery_status) for m in _outbox(database)] == [
        (channel, DeliveryStatus.PERMANENT_FAILURE), ("line", DeliveryStatus.DELIVERED)]
    identity = {"email": "i3", "sms": "i2"}[channel]
    assert database.tables["channel_identities"][identity].status is IdentityStatus.FOLLOWING


def test_a_hard_bounce_reported_later_marks_the_mailbox_unreachable(
        database: FakeDatabase) -> None:
    set_ladder(SetLadder(("email", "line")), actor=ADMIN, uow=FakeUnitOfWork(database),
               clock=CLOCK)
    _tell(database)
    _deliver(database, Channel("email", ref="mid-1"))
    bounced = DeliveryStatusReport(channel="email", provider_ref="mid-1", detail="5.1.1",
                                   status=DeliveryStatus.PERMANENT_FAILURE)

    assert record_delivery_status(bounced, uow=FakeUnitOfWork(database), clock=CLOCK)
    assert database.tables["channel_identities"]["i3"].status is IdentityStatus.UNREACHABLE
    assert [m.channel for m in _outbox(database)] == ["email", "line"]


def test_an_undelivered_report_that_comes_before_the_dispatcher_records_the_send_stands(
        database: FakeDatabase) -> None:
    """Twilio may call back while the dispatcher is still sending its batch: the report finds
    the row by its id, and the send recorded after it does not undo the failure."""
    set_ladder(SetLadder(("sms", "email")), actor=ADMIN, uow=FakeUnitOfWork(database),
               clock=CLOCK)
    _tell(database)

    class CallingBack(Channel):
        def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
                 idempotency_key: str, reply_token: str | None = None,
                 retaken: bool = False) -> DeliveryResult:
            result = super().send(recipient, messages, idempotency_key=idempotency_key)
            record_delivery_status(DeliveryStatusReport(
                message_id=idempotency_key, channel="sms", provider_ref=self.ref,
                status=DeliveryStatus.PERMANENT_FAILURE, detail="undelivered 30005"),
                uow=FakeUnitOfWork(database), clock=CLOCK)
            return result

    _deliver(database, CallingBack("sms", ref="SM1"))

    first, carried = _outbox(database)
    assert (first.status, first.delivery_status, first.provider_ref) == (
        OutboxStatus.FAILED, DeliveryStatus.PERMANENT_FAILURE, "SM1")
    assert (carried.channel, carried.status) == ("email", OutboxStatus.PENDING)
