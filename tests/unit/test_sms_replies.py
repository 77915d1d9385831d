"""SMS in and out without I/O: how a message reads as one SMS, what Twilio's posts become, and
a typed 「はい」 answering the resident's latest open benefit notice."""

from __future__ import annotations

import datetime as dt

import pytest
from twilio.request_validator import RequestValidator

from adapters.sms.rendering import body_digest, render
from adapters.sms.webhook import InvalidSignature, SmsWebhook
from application.benefits.notices import notice
from application.benefits.replying_by_text import as_notice_answer
from application.channels.inbound import InboundEvent, InboundKind
from application.ports.messaging import Choice, OutgoingMessage
from domain.benefits import ApplicationStatus
from domain.channels import ChannelIdentity
from domain.residents import Verification
from tests import builders as b
from tests.fakes import FakeDatabase, FakeUnitOfWork

pytestmark = pytest.mark.unit

AT = dt.datetime(2026, 6, 10, tzinfo=dt.UTC)
NUMBER = "+819012345678"


def _link() -> str:
    return "https://town.example/r/abc"


def test_a_benefit_notice_says_the_program_and_amount_with_one_link_to_apply() -> None:
    program = b.program()
    body = render([notice(program, b.application(of_program=program), banks=None)], _link)

    assert "物価高騰対策給付金" in body and "70,000円" in body
    assert "こちらから申請できます: https://town.example/r/abc" in body
    assert "「はい」と返信" in body and body.count("https://") == 1
    assert "申請しない" not in body  # buttons are not listed: the link stands for them


def test_link_buttons_keep_their_own_links_and_no_personal_link_is_made() -> None:
    asked: list[str] = []
    message = OutgoingMessage("本人確認をします。", choices=(
        Choice("本人確認をはじめる", "", url="https://id.example/start"),))

    body = render([message], lambda: asked.append("link") or "x")

    assert body == "本人確認をします。\n本人確認をはじめる: https://id.example/start"
    assert asked == []


def test_the_same_message_with_another_link_has_the_same_digest() -> None:
    message = [OutgoingMessage("質問です", choices=(Choice("はい", "ans:1"),))]
    assert body_digest(render(message, lambda: "https://a.example/1")) == \
        body_digest(render(message, lambda: "https://a.example/2"))
    assert body_digest("あ") != body_digest("い")


def test_an_inbound_sms_becomes_a_text_event_from_its_e164_number() -> None:
    event = SmsWebhook.inbound({"MessageSid": "SM1", "From": "+819012345678", "Body": " はい "},
                               at=AT)
    assert (event.channel, event.external_id, event.address, event.kind, event.text) == (
        "sms", "SM1", NUMBER, InboundKind.TEXT, "はい")


@pytest.mark.parametrize("word", ["STOP", "stop", "停止", "配信停止", "ＳＴＯＰ"])
def test_stop_is_an_opt_out(word: str) -> None:
    event = SmsWebhook.inbound({"MessageSid": "SM1", "From": NUMBER, "Body": word}, at=AT)
    assert event.kind is InboundKind.UNFOLLOW


def test_a_status_callback_names_the_message_and_its_status() -> None:
    status = SmsWebhook.status({"MessageSid": "SM1", "MessageStatus": "undelivered",
                                "ErrorCode": "30005"})
    assert (status.sid, status.status, status.error_code) == ("SM1", "undelivered", 30005)
    with pytest.raises(ValueError):
        SmsWebhook.status({"MessageSid": "SM1"})


def test_a_forged_signature_is_refused() -> None:
    webhook = SmsWebhook(auth_token="token", public_url="https://town.example/")
    form = {"MessageSid": "SM1", "From": NUMBER, "Body": "はい"}
    good = RequestValidator("token").compute_signature("https://town.example/sms/inbound", form)
    webhook.check("/sms/inbound", form, good)
    for forged in (None, "", RequestValidator("other").compute_signature(
            "https://town.example/sms/inbound", form)):
        with pytest.raises(InvalidSignature):
            webhook.check("/sms/inbound", form, forged)
    with pytest.raises(InvalidSignature):  # the same signature over other fields
        webhook.check("/sms/inbound", {**form, "Body": "いいえ"}, good)


# -- 「はい」 by SMS answers the notice -----------------------------------------------------------


def _town(database: FakeDatabase, *, verified: bool = True) -> None:
    with FakeUnitOfWork(database) as uow:
        resident = b.resident(id="r1")
        if verified:
            resident.verify(resident.facts, Verification(subject="s", provider="dev_card",
                                                         assurance="development",
                                                         verified_at=AT))
        uow.residents.add(resident)
        uow.households.add(b.household())
        program = b.program()
        uow.programs.add(program)
        uow.applications.add(b.application(id="old", of_program=program,
                                           at=AT - dt.timedelta(days=3)))
        uow.applications.add(b.application(id="new", of_program=b.program(id="p2"), at=AT))
        identity = ChannelIdentity.first_seen(id="i1", channel="sms", address=NUMBER, at=AT)
        identity.link("r1")
        uow.channel_identities.add(identity)
        uow.commit()


def _text(text: str) -> InboundEvent:
    return InboundEvent(channel="sms", external_id="SM1", address=NUMBER,
                        kind=InboundKind.TEXT, occurred_at=AT, text=text)


@pytest.mark.parametrize(("said", "data"), [("はい", "bnf:new:yes"), ("ﾊｲ", "bnf:new:yes"),
                                            ("いいえ", "bnf:new:no"), ("Yes", "bnf:new:yes")])
def test_yes_or_no_answers_the_latest_open_notice(said: str, data: str) -> None:
    database = FakeDatabase()
    _town(database)

    answer = as_notice_answer(_text(said), uow=FakeUnitOfWork(database))

    assert (answer.kind, answer.data, answer.external_id) == (InboundKind.POSTBACK, data, "SM1")


def test_a_second_yes_answers_the_notice_just_applied_for_whose_rules_say_it_is_received(
) -> None:
    database = FakeDatabase()
    _town(database)
    with FakeUnitOfWork(database) as uow:
        for application_id in ("old", "new"):
            uow.applications.get(application_id).status = ApplicationStatus.CONFIRMED
        uow.commit()

    answer = as_notice_answer(_text("はい"), uow=FakeUnitOfWork(database))

    assert (answer.kind, answer.data) == (InboundKind.POSTBACK, "bnf:new:yes")


def test_a_decided_notice_is_not_answered_again_by_text() -> None:
    database = FakeDatabase()
    _town(database)
    with FakeUnitOfWork(database) as uow:
        for application_id in ("old", "new"):
            uow.applications.get(application_id).status = ApplicationStatus.APPROVED
        uow.commit()

    assert as_notice_answer(_text("はい"), uow=FakeUnitOfWork(database)).kind is InboundKind.TEXT


@pytest.mark.parametrize("said", ["こんにちは", "はいはい", "メニュー"])
def test_other_words_stay_text(said: str) -> None:
    database = FakeDatabase()
    _town(database)
    assert as_notice_answer(_text(said), uow=FakeUnitOfWork(database)).kind is InboundKind.TEXT


def test_a_number_nobody_linked_stays_text() -> None:
    database = FakeDatabase()
    event = as_notice_answer(_text("はい"), uow=FakeUnitOfWork(database))
    assert event.kind is InboundKind.TEXT
