"""The web channel's side of the outbox (adapters/web/channel.py) and what the page shows
(application/channels/web_page.py): a message to a web identity is on the page as soon as its
turn commits, and the dispatcher records it delivered; the page shows a card's buttons on their
message and quick replies on the newest message only."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.web.channel import WebChannel
from application.channels.web_page import Expecting, web_page
from application.conversations.known import CHECKING
from application.conversations.library import CONTACT, REPORT
from application.conversations.procedures import AnswerType, Procedure, Step
from application.conversations.state import Conversation
from application.messaging.delivering_outbox import deliver_outbox
from application.messaging.outbox import OutboxMessage, OutboxStatus
from application.ports.messaging import (
    SEND_LOCATION,
    Choice,
    DeliveryOutcome,
    MessageStyle,
    OutgoingMessage,
)
from domain.channels import ChannelIdentity
from tests.fakes import FakeClock, FakeDatabase, fake_uow_factory

ADDRESS = "w" + "a" * 32
CARD = OutgoingMessage("お知らせ", choices=(Choice("申請する", "bnf:a1:yes"),),
                       style=MessageStyle.BUTTONS)
MENU = OutgoingMessage("ご用件をお選びください。", choices=(Choice("状況確認", "status"),),
                       style=MessageStyle.QUICK_REPLY)


def test_a_message_to_a_web_identity_is_delivered_at_once_and_a_repeat_too() -> None:
    channel = WebChannel()

    first = channel.send(ADDRESS, [CARD], idempotency_key="m1")
    again = channel.send(ADDRESS, [CARD], idempotency_key="m1", reply_token="r1", retaken=True)
    [(group, many)] = channel.send_many([ADDRESS], [CARD], idempotency_key="g1")[:1]

    assert first.outcome is again.outcome is many.outcome is DeliveryOutcome.DELIVERED
    assert channel.name == "web" and group == [ADDRESS]
    assert channel.send(ADDRESS, [], idempotency_key="m2").outcome is DeliveryOutcome.REJECTED


def _queued(database: FakeDatabase, clock: FakeClock, *messages: tuple[str, OutgoingMessage]
            ) -> None:
    uow = fake_uow_factory(database)()
    with uow:
        for n, (message_id, message) in enumerate(messages):
            uow.outbox.add(OutboxMessage.of([message], id=message_id, channel="web",
                                            recipient=ADDRESS,
                                            at=clock.now() + dt.timedelta(seconds=n)))
        uow.commit()


def test_the_page_shows_a_message_as_soon_as_it_is_written_and_the_dispatcher_sends_it() -> None:
    database, clock = FakeDatabase(), FakeClock()
    _queued(database, clock, ("m1", CARD))

    shown = web_page(ADDRESS, uow=fake_uow_factory(database)(), procedures={}, now=clock.now())
    report = deliver_outbox(uow_factory=fake_uow_factory(database),
                            channels={"web": WebChannel()}, clock=clock)

    assert [m.text for m in shown.messages] == ["お知らせ"]
    assert report.sent == 1
    assert database.tables["outbox"]["m1"].status is OutboxStatus.SENT


def test_quick_replies_belong_to_the_newest_message_and_a_cards_buttons_stay() -> None:
    database, clock = FakeDatabase(), FakeClock()
    _queued(database, clock, ("m1", MENU), ("m2", CARD), ("m3", MENU))

    shown = web_page(ADDRESS, uow=fake_uow_factory(database)(), procedures={}, now=clock.now())

    assert [[c.label for c in m.choices] for m in shown.messages] == [
        [], ["申請する"], ["状況確認"]]
    assert shown.expecting is Expecting.NOTHING and not shown.verified


def test_a_link_button_is_a_link_not_a_tap() -> None:
    database, clock = FakeDatabase(), FakeClock()
    pay = OutgoingMessage("合計: 710円", style=MessageStyle.BUTTONS, choices=(
        Choice("支払う（710円）", "", url="https://town.example/pay"), Choice("やめる", "c:1")))
    _queued(database, clock, ("m1", pay))

    [shown] = web_page(ADDRESS, uow=fake_uow_factory(database)(), procedures={},
                       now=clock.now()).messages

    assert [c.label for c in shown.links] == ["支払う（710円）"]
    assert [c.label for c in shown.choices] == ["やめる"]
    assert shown.suggested is None  # a way out is never the strongest button


def test_the_first_choice_is_suggested_unless_it_is_a_way_back_or_out() -> None:
    database, clock = FakeDatabase(), FakeClock()
    _queued(database, clock, ("m1", CARD))

    [shown] = web_page(ADDRESS, uow=fake_uow_factory(database)(), procedures={},
                       now=clock.now()).messages

    assert shown.suggested is not None and shown.suggested.label == "申請する"


def test_the_page_asks_for_text_or_a_photo_as_the_open_step_does() -> None:
    database, clock = FakeDatabase(), FakeClock()
    uow = fake_uow_factory(database)()
    with uow:
        identity = ChannelIdentity.first_seen(id="i1", channel="web", address=ADDRESS,
                                              at=clock.now())
        uow.channel_identities.add(identity)
        uow.conversations.add(Conversation.begin(
            id="c1", identity_id="i1", procedure_id=CONTACT.id, first_step="detail",
            now=clock.now(), ttl=CONTACT.ttl))
        uow.commit()

    def expecting() -> Expecting:
        return web_page(ADDRESS, uow=fake_uow_factory(database)(),
                        procedures={CONTACT.id: CONTACT}, now=clock.now()).expecting

    assert expecting() is Expecting.TEXT
    with uow:
        conversation = uow.conversations.get("c1")
        conversation.ask("photo", now=clock.now(), ttl=CONTACT.ttl)
        uow.commit()
    assert expecting() is Expecting.PHOTO
    with uow:
        uow.conversations.get("c1").ask("topic", now=clock.now(), ttl=CONTACT.ttl)
        uow.commit()
    assert expecting() is Expecting.TAP


def test_a_place_question_asks_for_the_place_form_without_lines_picker() -> None:
    database, clock = FakeDatabase(), FakeClock()
    place = OutgoingMessage("場所を教えてください。", style=MessageStyle.QUICK_REPLY, choices=(
        Choice("位置情報を送る", SEND_LOCATION), Choice("やめる", "dlg:2:$cancel")))
    _queued(database, clock, ("m1", place))
    uow = fake_uow_factory(database)()
    with uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(
            id="i1", channel="web", address=ADDRESS, at=clock.now()))
        uow.conversations.add(Conversation.begin(
            id="c1", identity_id="i1", procedure_id=REPORT.id, first_step="place",
            now=clock.now(), ttl=REPORT.ttl))
        uow.commit()

    shown = web_page(ADDRESS, uow=fake_uow_factory(database)(),
                     procedures={REPORT.id: REPORT}, now=clock.now())

    assert shown.expecting is Expecting.LOCATION
    assert [c.label for c in shown.messages[-1].choices] == ["やめる"]


@pytest.mark.parametrize(("answer", "field"), [
    ("phone", "tel"), ("email", "email"), ("address", "address"), ("date", "date"),
    ("number", "number"), ("text", "text"),
])
def test_a_typed_answer_is_asked_in_the_field_that_fits_its_type(answer: str,
                                                                  field: str) -> None:
    procedure = Procedure(id="typed", title="入力", steps=(
        Step(key="q", question="どうぞ。", answer=AnswerType(answer)),))
    database, clock = FakeDatabase(), FakeClock()
    uow = fake_uow_factory(database)()
    with uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(
            id="i1", channel="web", address=ADDRESS, at=clock.now()))
        uow.conversations.add(Conversation.begin(
            id="c1", identity_id="i1", procedure_id="typed", first_step="q",
            now=clock.now(), ttl=procedure.ttl))
        uow.commit()

    shown = web_page(ADDRESS, uow=fake_uow_factory(database)(),
                     procedures={"typed": procedure}, now=clock.now())

    assert shown.expecting is Expecting.TEXT and shown.answer_input == field


def test_confirming_what_the_town_holds_is_a_tap() -> None:
    database, clock = FakeDatabase(), FakeClock()
    uow = fake_uow_factory(database)()
    with uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(
            id="i1", channel="web", address=ADDRESS, at=clock.now()))
        uow.conversations.add(Conversation.begin(
            id="c1", identity_id="i1", procedure_id=CONTACT.id, first_step=CHECKING,
            now=clock.now(), ttl=CONTACT.ttl))
        uow.commit()

    shown = web_page(ADDRESS, uow=fake_uow_factory(database)(),
                     procedures={CONTACT.id: CONTACT}, now=clock.now())

    assert shown.expecting is Expecting.TAP
