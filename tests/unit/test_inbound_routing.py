"""Inbound routing as a table: an event's kind, a postback's exact data or its prefix picks one
route; a procedure handler adds its prefix and lifecycle hooks, and the router imports none."""

from __future__ import annotations

from typing import Any

import pytest

from application.benefits.account_dialog import BENEFIT_ACCOUNT
from application.benefits.desk import BenefitDesk
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import Menu, MenuEntry
from application.channels.routing import STALE_BUTTON, InboundRouter
from application.conversations.engine import ConversationEngine
from application.conversations.library import CONTACT
from application.messagebus import MessageBus
from application.messaging.codec import messages_from_json
from application.ports.messaging import OutgoingMessage
from domain.channels import ChannelIdentity
from domain.residents import Verification
from tests import builders as b
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds
from tests.unit.test_conversations import FakeBankMaster

pytestmark = pytest.mark.unit

CLOCK = FakeClock()


class Kiosk:
    """A procedure handler of a feature the router has never heard of: its own buttons."""

    procedure_id = "kiosk"
    postback_prefix = "kiosk:"
    from_menu = True

    def __init__(self) -> None:
        self.taps: list[str] = []

    def before_start(self, identity: ChannelIdentity, **_: Any) -> None:
        return None

    def on_finish(self, conversation: Any, answers: Any, identity: Any, *,
                  said: Any, **_: Any) -> list[OutgoingMessage]:
        return []

    def on_cancel(self, conversation: Any, **_: Any) -> None:
        pass

    def on_postback(self, data: str, identity: ChannelIdentity,
                    **_: Any) -> list[OutgoingMessage]:
        self.taps.append(data)
        return [OutgoingMessage(text=f"受け付けました: {data}")]


class NoIdentityProvider:
    def start(self, **_: Any) -> Any:
        raise AssertionError("nobody asked to verify")


def _router(kiosk: Kiosk) -> InboundRouter:
    procedures = {p.id: p for p in (CONTACT, BENEFIT_ACCOUNT)}
    return InboundRouter(
        engine=ConversationEngine(procedures, CLOCK, FakeBankMaster()),
        menu=Menu("試験町", [MenuEntry("contact", "お問い合わせ")]),
        handlers=[BenefitDesk(), kiosk], identity_provider=NoIdentityProvider(),
        status=lambda identity, *, uow: [OutgoingMessage(text="状況です")],
        ids=SequentialIds("x"), clock=CLOCK)


def _say(database: FakeDatabase, router: InboundRouter, kind: InboundKind,
         **what: str) -> list[str]:
    """One event from U1; the reply it got."""
    event = InboundEvent(channel="line", external_id=f"e{len(database.tables['inbox'])}",
                         address="U1", kind=kind, occurred_at=CLOCK.now(), **what)
    assert router.handle(event, uow=FakeUnitOfWork(database))
    newest = max(database.tables["outbox"].values(), key=lambda m: m.id)
    return [m.text for m in messages_from_json(newest.payload["messages"])]


@pytest.fixture
def database() -> FakeDatabase:
    return FakeDatabase(MessageBus({}))


def test_a_handlers_prefix_is_one_entry_in_the_table(database: FakeDatabase) -> None:
    kiosk = Kiosk()
    router = _router(kiosk)

    assert _say(database, router, InboundKind.POSTBACK, data="kiosk:ticket:7") == [
        "受け付けました: kiosk:ticket:7"]
    assert kiosk.taps == ["kiosk:ticket:7"]
    assert [prefix for prefix, _ in router.by_prefix] == [
        "start:", "dlg:", "menu:page:", "notice:", "richmenu-switch:", "bnf:", "kiosk:"]


def test_a_rich_menu_switch_tap_is_answered_with_nothing(database: FakeDatabase) -> None:
    """LINE switched the resident's rich menu itself (richmenuswitch, ADR 0054)."""
    router = _router(Kiosk())

    event = InboundEvent(channel="line", external_id="e-switch", address="U1",
                         kind=InboundKind.POSTBACK, occurred_at=CLOCK.now(),
                         data="richmenu-switch:madoguchi-verified")

    assert router.handle(event, uow=FakeUnitOfWork(database))
    assert database.tables["outbox"] == {} and len(database.tables["inbox"]) == 1


def test_a_postback_nobody_owns_or_a_forged_notice_tap_is_a_stale_button(
        database: FakeDatabase) -> None:
    router = _router(Kiosk())

    assert _say(database, router, InboundKind.POSTBACK, data="nobody:1")[0] == STALE_BUTTON
    assert _say(database, router, InboundKind.POSTBACK, data="bnf:forged")[0] == STALE_BUTTON


def test_exact_data_and_typed_words_reach_the_menu_and_the_status(
        database: FakeDatabase) -> None:
    router = _router(Kiosk())

    assert _say(database, router, InboundKind.POSTBACK, data="status") == ["状況です"]
    assert _say(database, router, InboundKind.TEXT, text="状況確認") == ["状況です"]
    assert _say(database, router, InboundKind.TEXT, text="メニュー") == ["ご用件をお選びください。"]


def test_the_account_dialog_cannot_be_started_from_the_menu(database: FakeDatabase) -> None:
    router = _router(Kiosk())

    assert _say(database, router, InboundKind.POSTBACK, data="start:benefit_account") == [
        "ご用件をお選びください。"]
    assert database.tables["conversations"] == {}


def test_starting_another_procedure_ends_the_account_dialog_and_its_application_forgets_it(
        database: FakeDatabase) -> None:
    router = _router(Kiosk())
    program = b.program()
    with FakeUnitOfWork(database) as uow:
        identity = ChannelIdentity.first_seen(id="i1", channel="line", address="U1",
                                              at=CLOCK.now())
        uow.channel_identities.add(identity)
        application = b.application(of_program=program)
        uow.programs.add(program)
        uow.applications.add(application)
        uow.commit()
    with FakeUnitOfWork(database) as uow:
        turn = router.engine.start("c1", "i1", BENEFIT_ACCOUNT.id)
        uow.conversations.add(turn.conversation)
        uow.applications.get("a1").start_account_dialog("c1")
        uow.commit()

    _say(database, router, InboundKind.POSTBACK, data="start:contact")

    with FakeUnitOfWork(database) as uow:
        assert uow.conversations.get("c1").status.value == "cancelled"
        assert uow.applications.get("a1").account_conversation_id is None


# -- a verified resident ---------------------------------------------------------------------------


def _verified_resident(database: FakeDatabase) -> None:
    """U1 is linked to a resident who verified with the card."""
    with FakeUnitOfWork(database) as uow:
        resident = b.resident(id="r1")
        resident.verify(resident.facts, Verification(subject="s", provider="dev_card",
                                                     assurance="development",
                                                     verified_at=CLOCK.now()))
        uow.residents.add(resident)
        identity = ChannelIdentity.first_seen(id="i1", channel="line", address="U1",
                                              at=CLOCK.now())
        identity.link("r1")
        uow.channel_identities.add(identity)
        uow.commit()


def _said(database: FakeDatabase, router: InboundRouter, kind: InboundKind,
          **what: str) -> list[OutgoingMessage]:
    _say(database, router, kind, **what)
    newest = max(database.tables["outbox"].values(), key=lambda m: m.id)
    return list(messages_from_json(newest.payload["messages"]))


def test_following_again_as_a_verified_resident_greets_without_asking_to_verify(
        database: FakeDatabase) -> None:
    router = _router(Kiosk())
    _verified_resident(database)
    assert router.handle(InboundEvent(channel="line", external_id="gone", address="U1",
                                      kind=InboundKind.UNFOLLOW, occurred_at=CLOCK.now()),
                         uow=FakeUnitOfWork(database))

    greeting = _said(database, router, InboundKind.FOLLOW)

    text = "".join(m.text for m in greeting)
    assert "本人確認は済んでいます" in text and "お願いします" not in text
    labels = [c.label for m in greeting for c in m.choices]
    assert "本人確認" not in labels and {"状況確認", "お問い合わせ"} <= set(labels)


def test_a_new_friend_is_still_asked_to_verify_first(database: FakeDatabase) -> None:
    greeting = _said(database, _router(Kiosk()), InboundKind.FOLLOW)

    assert "本人確認" in "".join(m.text for m in greeting)
    assert "本人確認" in [c.label for m in greeting for c in m.choices]


def test_a_verified_residents_menu_offers_the_procedures_not_the_verification(
        database: FakeDatabase) -> None:
    router = _router(Kiosk())
    _verified_resident(database)

    [menu] = _said(database, router, InboundKind.TEXT, text="メニュー")

    assert [c.label for c in menu.choices] == ["状況確認", "お問い合わせ", "連絡先",
                                                  "お知らせの設定"]


def test_a_verified_resident_is_not_asked_their_name_for_an_inquiry(
        database: FakeDatabase) -> None:
    router = _router(Kiosk())
    _verified_resident(database)

    first = _say(database, router, InboundKind.TEXT, text="お問い合わせ")

    assert not any("お名前を教えてください" in text for text in first)
    assert any("山田 太郎" in text and "この内容でよろしいですか" in text for text in first)
    confirmed = _say(database, router, InboundKind.TEXT, text="はい")
    assert any("どのようなご用件" in text for text in confirmed)
    _say(database, router, InboundKind.TEXT, text="道路・公園")
    detail = _say(database, router, InboundKind.TEXT, text="戻る")  # back: the topic, not the name
    assert any("どのようなご用件" in text for text in detail)
    _say(database, router, InboundKind.TEXT, text="道路・公園")
    asked = _say(database, router, InboundKind.TEXT, text="街灯が切れています。中央1丁目です。")
    assert any("写真" in text for text in asked)
    summary = "".join(_say(database, router, InboundKind.TEXT, text="いいえ"))
    assert "山田 太郎" in summary  # the town's record of the name, shown for confirmation


def test_a_verified_resident_who_says_the_towns_record_is_wrong_is_sent_to_verify_again(
        database: FakeDatabase) -> None:
    router = _router(Kiosk())
    _verified_resident(database)
    _say(database, router, InboundKind.TEXT, text="お問い合わせ")

    [declined] = _said(database, router, InboundKind.TEXT, text="いいえ")

    assert "マイナンバーカード" in declined.text and "本人確認" in declined.text
    assert [(c.label, c.data) for c in declined.choices] == [("本人確認", "verify:start")]
    assert not database.tables.get("cases")  # nothing submitted
    [conversation] = database.tables["conversations"].values()
    assert conversation.status.value == "cancelled"


def test_someone_not_verified_is_still_asked_their_name(database: FakeDatabase) -> None:
    first = _say(database, _router(Kiosk()), InboundKind.TEXT, text="お問い合わせ")

    assert any("お名前を教えてください" in text for text in first)
