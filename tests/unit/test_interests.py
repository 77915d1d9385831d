"""お知らせの分野: staff keep the list; residents subscribe and unsubscribe with a tap on any
channel, for the person (ADR 0056)."""

from __future__ import annotations

from typing import Any

import pytest

from application.channels.inbound import InboundEvent, InboundKind
from application.channels.interests import InterestsDesk
from application.channels.menu import Menu
from application.channels.routing import InboundRouter
from application.conversations.engine import ConversationEngine
from application.interests.managing_interests import (
    ChangeInterest,
    SaveInterest,
    change_interest,
    interest_list,
    save_interest,
)
from application.messagebus import MessageBus
from application.messaging.codec import messages_from_json
from application.ports.messaging import OutgoingMessage
from domain.channels import ChannelIdentity
from domain.errors import InvalidValue, NotAllowed
from domain.segments import Interest
from domain.staff import Role
from tests import builders as b
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds
from tests.unit.test_conversations import FakeBankMaster

pytestmark = pytest.mark.unit

CLOCK = FakeClock()
IDS = SequentialIds("x")
STAFF = b.actor()


@pytest.fixture
def database() -> FakeDatabase:
    database = FakeDatabase(MessageBus({}))
    for key, label in (("bousai", "防災"), ("kosodate", "子育て"), ("gomi", "ごみの日")):
        save_interest(SaveInterest(STAFF, key, label, f"{label}のお知らせ"),
                      uow=FakeUnitOfWork(database), clock=CLOCK)
    return database


def _keys(database: FakeDatabase) -> list[tuple[str, str, bool]]:
    return [(t.key, t.label, t.active) for t in interest_list(uow=FakeUnitOfWork(database))]


def test_staff_add_rename_reorder_and_retire_interests(database: FakeDatabase) -> None:
    assert _keys(database) == [("bousai", "防災", True), ("kosodate", "子育て", True),
                               ("gomi", "ごみの日", True)]
    save_interest(SaveInterest(STAFF, "gomi", "ごみ・資源", "", new=False, version=1),
                  uow=FakeUnitOfWork(database), clock=CLOCK)
    change_interest(ChangeInterest(STAFF, "gomi", "up"), uow=FakeUnitOfWork(database),
                    clock=CLOCK)
    change_interest(ChangeInterest(STAFF, "bousai", "up"), uow=FakeUnitOfWork(database),
                    clock=CLOCK)  # already first: nothing
    change_interest(ChangeInterest(STAFF, "kosodate", "retire"),
                    uow=FakeUnitOfWork(database), clock=CLOCK)
    assert _keys(database) == [("bousai", "防災", True), ("gomi", "ごみ・資源", True),
                               ("kosodate", "子育て", False)]


@pytest.mark.parametrize(("key", "label", "message"), [
    ("bousai", "防災2", "同じキー"),
    ("防災", "防災", "英小文字"),
    ("new", "", "1文字以上"),
    ("new", "あ" * 21, "20文字以内"),
])
def test_a_bad_or_taken_interest_is_refused_and_nothing_changes(
        database: FakeDatabase, key: str, label: str, message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        save_interest(SaveInterest(STAFF, key, label), uow=FakeUnitOfWork(database),
                      clock=CLOCK)
    assert len(_keys(database)) == 3


def test_a_rename_from_a_stale_form_is_refused(database: FakeDatabase) -> None:
    save_interest(SaveInterest(STAFF, "gomi", "ごみ", "", new=False, version=1),
                  uow=FakeUnitOfWork(database), clock=CLOCK)
    with pytest.raises(InvalidValue, match="先に変更"):
        save_interest(SaveInterest(STAFF, "gomi", "ゴミ", "", new=False, version=1),
                      uow=FakeUnitOfWork(database), clock=CLOCK)


def test_only_staff_who_send_notices_keep_the_list(database: FakeDatabase) -> None:
    with pytest.raises(NotAllowed):
        save_interest(SaveInterest(b.actor(role=Role.CASE_WORKER), "event", "イベント"),
                      uow=FakeUnitOfWork(database), clock=CLOCK)


# -- residents ---------------------------------------------------------------------------------

class NoIdentityProvider:
    def start(self, **_: Any) -> Any:
        raise AssertionError("nobody asked to verify")


def _router() -> InboundRouter:
    return InboundRouter(
        engine=ConversationEngine({}, CLOCK, FakeBankMaster()), menu=Menu("試験町", []),
        handlers=[InterestsDesk()], identity_provider=NoIdentityProvider(),
        status=lambda identity, *, uow: [OutgoingMessage(text="状況です")],
        ids=IDS, clock=CLOCK)


def _tap(database: FakeDatabase, address: str, data: str, channel: str = "line"
         ) -> list[Any]:
    event = InboundEvent(channel=channel, external_id=f"e{len(database.tables['inbox'])}",
                         address=address, kind=InboundKind.POSTBACK, occurred_at=CLOCK.now(),
                         data=data)
    assert _router().handle(event, uow=FakeUnitOfWork(database))
    newest = max(database.tables["outbox"].values(), key=lambda m: m.id)
    return messages_from_json(newest.payload["messages"])


def _count(database: FakeDatabase, key: str) -> int:
    with FakeUnitOfWork(database) as uow:
        return uow.queries.segments.count(Interest(key))


def test_a_friend_the_registry_does_not_know_subscribes_and_unsubscribes(
        database: FakeDatabase) -> None:
    [listing] = _tap(database, "U1", "interests:list")
    assert "防災: 受け取らない" in listing.text
    assert [c.label for c in listing.choices] == [
        "防災を登録する", "子育てを登録する", "ごみの日を登録する", "メニュー"]
    [after] = _tap(database, "U1", "interests:on:bousai")
    assert "「防災」のお知らせをお届けします" in after.text and "防災: 受け取る" in after.text
    assert after.choices[0].label == "防災を解除する"
    assert _count(database, "bousai") == 1
    [after] = _tap(database, "U1", "interests:off:bousai")
    assert "止めました" in after.text and _count(database, "bousai") == 0


def test_a_residents_subscription_is_the_persons_on_every_channel(
        database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.residents.add(b.resident(id="r1"))
        for iid, channel, address in (("i1", "line", "U1"), ("i2", "sms", "+819012345678")):
            identity = ChannelIdentity.first_seen(id=iid, channel=channel, address=address,
                                                  at=CLOCK.now())
            identity.link("r1")
            uow.channel_identities.add(identity)
        uow.commit()
    _tap(database, "U1", "interests:on:bousai")
    [by_sms] = _tap(database, "+819012345678", "interests:list", channel="sms")
    assert "防災: 受け取る" in by_sms.text  # the person's, seen from another channel
    assert _count(database, "bousai") == 1  # one person, however many channels
    _tap(database, "+819012345678", "interests:off:bousai", channel="sms")
    assert _count(database, "bousai") == 0  # gone from LINE too
    assert database.tables["interest_subscriptions"] == {}


def test_a_retired_interest_is_not_offered_and_cannot_be_subscribed(
        database: FakeDatabase) -> None:
    change_interest(ChangeInterest(STAFF, "gomi", "retire"), uow=FakeUnitOfWork(database),
                    clock=CLOCK)
    [told] = _tap(database, "U1", "interests:on:gomi")
    assert "終了しました" in told.text and "ごみの日" not in told.text
    assert _count(database, "gomi") == 0


def test_a_subscriber_stops_a_retired_interest_which_others_no_longer_see(
        database: FakeDatabase) -> None:
    _tap(database, "U1", "interests:on:gomi")
    change_interest(ChangeInterest(STAFF, "gomi", "retire"), uow=FakeUnitOfWork(database),
                    clock=CLOCK)

    [listing] = _tap(database, "U1", "interests:list")
    [others] = _tap(database, "U2", "interests:list")
    assert "ごみの日: 受け取る（終了した分野です）" in listing.text
    assert "ごみの日を解除する" in [c.label for c in listing.choices]
    assert "ごみの日" not in others.text
    assert _count(database, "gomi") == 1  # a saved condition on it still works
    [stopped] = _tap(database, "U1", "interests:off:gomi")
    assert "止めました" in stopped.text and "ごみの日" not in stopped.text.split("\n", 1)[1]
    assert _count(database, "gomi") == 0
    [again] = _tap(database, "U1", "interests:on:gomi")
    assert "終了しました" in again.text and _count(database, "gomi") == 0


def test_the_segment_editor_offers_no_retired_interest_for_a_new_condition(
        database: FakeDatabase) -> None:
    from application.segments.managing_segments import editor_choices

    change_interest(ChangeInterest(STAFF, "gomi", "retire"), uow=FakeUnitOfWork(database),
                    clock=CLOCK)
    choices = editor_choices(actor=b.actor(role=Role.APPROVER), uow=FakeUnitOfWork(database),
                             clock=CLOCK)
    assert [o["value"] for o in choices["interests"]] == ["bousai", "kosodate"]
    assert choices["retired_interests"] == [{"value": "gomi", "label": "ごみの日（終了）"}]
