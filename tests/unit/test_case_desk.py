"""The inbox's side of the chat, on fakes: a finished お問い合わせ becomes a case in the
department of its topic with its number in the completion message; a photo the resident sends
afterwards joins the case; 「メニュー」 gives the chat back to the bot."""

from __future__ import annotations

import datetime as dt

import pytest

from application.cases.opening_case import CaseDesk
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import Menu, MenuEntry
from application.channels.routing import InboundRouter
from application.conversations.engine import ConversationEngine
from application.conversations.library import CONTACT, REPORT
from application.conversations.state import Conversation
from application.messagebus import MessageBus
from application.messaging.codec import messages_from_json
from domain.cases import CaseEntryKind, Department
from domain.channels import ChannelIdentity
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds
from tests.unit.test_conversations import FakeBankMaster
from tests.unit.test_inbound_routing import Kiosk, NoIdentityProvider

pytestmark = pytest.mark.unit

CLOCK = FakeClock()
PROCEDURES = {CONTACT.id: CONTACT}


@pytest.fixture
def database() -> FakeDatabase:
    database = FakeDatabase(MessageBus({}))
    with FakeUnitOfWork(database) as uow:
        for id_, name in (("d1", "総務課"), ("d2", "環境課")):
            uow.departments.add(Department(id=id_, name=name))
        uow.commit()
    return database


@pytest.fixture
def router() -> InboundRouter:
    return InboundRouter(
        engine=ConversationEngine(PROCEDURES, CLOCK, FakeBankMaster()),
        menu=Menu("試験町", [MenuEntry("contact", "お問い合わせ")]), handlers=[Kiosk()],
        identity_provider=NoIdentityProvider(), status=lambda identity, *, uow: [],
        ids=SequentialIds("x"), clock=CLOCK, cases=CaseDesk(PROCEDURES, FakeBankMaster()))


def _say(database: FakeDatabase, router: InboundRouter, kind: InboundKind,
         **what: str) -> list[str]:
    before = set(database.tables["outbox"])
    event = InboundEvent(channel="line", external_id=f"e{len(database.tables['inbox'])}",
                         address="U1", kind=kind, occurred_at=CLOCK.now(), **what)
    assert router.handle(event, uow=FakeUnitOfWork(database))
    return [m.text for key, row in database.tables["outbox"].items() if key not in before
            for m in messages_from_json(row.payload["messages"])]


def _inquire(database: FakeDatabase, router: InboundRouter) -> list[str]:
    for text in ("お問い合わせ", "山田 花子", "ごみ・環境", "粗大ごみの出し方を知りたいです。",
                 "いいえ"):
        _say(database, router, InboundKind.TEXT, text=text)
    return _say(database, router, InboundKind.TEXT, text="はい")


def test_a_finished_inquiry_is_a_case_of_its_topics_department(
        database: FakeDatabase, router: InboundRouter) -> None:
    said = _inquire(database, router)

    [case] = database.tables["cases"].values()
    assert (case.department_id, case.title) == ("d2", "お問い合わせ（ごみ・環境）")
    assert said == [f"お問い合わせを受け付けました。\n受付番号 {case.number}\n"
                    "担当の課から、こちらでお返事します。続けてメッセージを送ると、"
                    "この受付番号の案件に追加されます。メニューに戻るときは「メニュー」と"
                    "送ってください。"]


def test_a_photo_after_the_inquiry_joins_the_case(database: FakeDatabase,
                                                  router: InboundRouter) -> None:
    _inquire(database, router)

    told = _say(database, router, InboundKind.IMAGE, image_ref="line:42")

    [case] = database.tables["cases"].values()
    [entry] = database.tables["case_entries"].values()
    assert (entry.kind, entry.photo_ref, entry.case_id) == (CaseEntryKind.RESIDENT, "line:42",
                                                            case.id)
    assert "案件にメッセージを追加しました" in told[0]


def test_menu_gives_the_chat_back_to_the_bot(database: FakeDatabase,
                                             router: InboundRouter) -> None:
    _inquire(database, router)

    assert _say(database, router, InboundKind.POSTBACK, data="menu") == [
        "ご用件をお選びください。"]
    assert _say(database, router, InboundKind.TEXT, text="こんにちは") == [
        "ご用件をお選びください。"]
    assert database.tables["case_entries"] == {}


def _report(database: FakeDatabase, answers: dict[str, object]) -> None:
    desk = CaseDesk({REPORT.id: REPORT}, FakeBankMaster())
    conversation = Conversation.begin(id="c1", identity_id="i1", procedure_id=REPORT.id,
                                      first_step="what", now=CLOCK.now(),
                                      ttl=dt.timedelta(hours=1))
    identity = ChannelIdentity.first_seen(id="i1", channel="line", address="U1", at=CLOCK.now())
    with FakeUnitOfWork(database) as uow:
        desk.on_finish(conversation, answers, identity, said=[], uow=uow,
                       ids=SequentialIds("r"), now=CLOCK.now())
        uow.commit()


def test_a_report_keeps_every_photo_and_the_point_of_its_place(database: FakeDatabase) -> None:
    _report(database, {"what": "road", "photos": ["line:1", "line:2"], "detail": "穴です。",
                       "place": {"latitude": 34.6722, "longitude": 133.7489,
                                 "address": "本町2丁目5番の前"}})

    [case] = database.tables["cases"].values()
    assert case.photos == ["line:1", "line:2"]
    assert (case.latitude, case.longitude) == (34.6722, 133.7489)
    assert ["場所", "本町2丁目5番の前"] in case.answers  # the place's text stays an answer
    assert ["写真", "写真（2枚）"] not in case.answers  # photos are shown apart


def test_a_place_given_as_an_address_alone_puts_no_point_on_the_case(
        database: FakeDatabase) -> None:
    _report(database, {"what": "street_light",
                       "place": {"latitude": None, "longitude": None, "address": "駅前の街灯"}})

    [case] = database.tables["cases"].values()
    assert (case.latitude, case.longitude, case.photos) == (None, None, [])
    assert ["場所", "駅前の街灯"] in case.answers


def test_one_photo_answered_as_a_single_reference_is_kept_as_one(
        database: FakeDatabase, router: InboundRouter) -> None:
    for text in ("お問い合わせ", "山田 花子", "ごみ・環境", "粗大ごみの出し方を知りたいです。",
                 "はい"):
        _say(database, router, InboundKind.TEXT, text=text)
    _say(database, router, InboundKind.IMAGE, image_ref="line:7")
    _say(database, router, InboundKind.TEXT, text="はい")

    [case] = database.tables["cases"].values()
    assert case.photos == ["line:7"] and case.latitude is None
