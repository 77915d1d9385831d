"""The inbox's side of the chat, on fakes: a finished お問い合わせ becomes a case in the
department of its topic with its number in the completion message; a photo the resident sends
afterwards joins the case; 「メニュー」 gives the chat back to the bot."""

from __future__ import annotations

import datetime as dt

import pytest

from application.access.actor import Actor
from application.cases.handling_case import CaseAction, HandleCase, handle_case
from application.cases.opening_case import CaseDesk
from application.cases.replying_to_case import ReplyToCase, reply_to_case
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import Menu, MenuEntry
from application.channels.routing import InboundRouter
from application.conversations.engine import ConversationEngine
from application.conversations.library import CONTACT, REPORT
from application.conversations.state import Conversation
from application.messagebus import MessageBus
from application.messaging.codec import messages_from_json
from domain.cases import CaseEntryKind, CaseStatus, Department
from domain.channels import ChannelIdentity
from domain.consultations import Consultation
from domain.errors import IllegalTransition
from domain.staff import Role
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


# -- found in review: one case holds the chat, what reaches it, and passing a case on ------------

ADMIN = Actor(id="s-admin", role=Role.ADMINISTRATOR, label="admin")


def _entries_of(database: FakeDatabase, case_id: str) -> list[str]:
    return [e.text for e in database.tables["case_entries"].values()
            if e.case_id == case_id and e.kind is CaseEntryKind.RESIDENT]


def test_the_resident_answers_the_case_staff_last_replied_to(database: FakeDatabase,
                                                              router: InboundRouter) -> None:
    _inquire(database, router)
    _say(database, router, InboundKind.TEXT, text="メニュー")
    _inquire(database, router)  # a second case, newer, which took the chat
    older, newer = sorted(database.tables["cases"].values(), key=lambda c: c.number)

    reply_to_case(ReplyToCase(case_id=older.id, text="回答です。", request_key="k1",
                              actor=ADMIN), uow=FakeUnitOfWork(database),
                  ids=SequentialIds("y"), clock=CLOCK)
    _say(database, router, InboundKind.TEXT, text="補足です。")

    assert _entries_of(database, older.id) == ["補足です。"]
    assert _entries_of(database, newer.id) == []


def test_a_question_mark_or_a_place_goes_to_the_case_and_only_menu_leaves_it(
        database: FakeDatabase, router: InboundRouter) -> None:
    _inquire(database, router)
    [case] = database.tables["cases"].values()

    _say(database, router, InboundKind.TEXT, text="？")
    _say(database, router, InboundKind.LOCATION, text="本町1丁目", latitude=34.67,
         longitude=133.75)
    assert _say(database, router, InboundKind.TEXT, text="メニュー") == [
        "ご用件をお選びください。"]

    assert _entries_of(database, case.id) == [
        "？", "位置情報: 本町1丁目（緯度34.67, 経度133.75）"]


def test_a_case_passed_on_is_new_and_nobodys_for_the_department_that_receives_it(
        database: FakeDatabase, router: InboundRouter) -> None:
    _inquire(database, router)
    [case] = database.tables["cases"].values()
    with FakeUnitOfWork(database) as uow:
        held = uow.cases.get(case.id)
        held.assign("s-worker", CLOCK.now())
        held.pull_events()
        uow.commit()

    handle_case(HandleCase(case_id=case.id, action=CaseAction.TRANSFER, actor=ADMIN,
                           department_id="d1"),
                uow=FakeUnitOfWork(database), ids=SequentialIds("z"), clock=CLOCK)

    moved = database.tables["cases"][case.id]
    assert (moved.department_id, moved.status, moved.assignee_id) == (
        "d1", CaseStatus.NEW, None)


def test_a_note_is_a_touch(database: FakeDatabase, router: InboundRouter) -> None:
    _inquire(database, router)
    [case] = database.tables["cases"].values()
    CLOCK.advance(seconds=3600)

    handle_case(HandleCase(case_id=case.id, action=CaseAction.NOTE, actor=ADMIN,
                           note="現地確認の予定を調整中"),
                uow=FakeUnitOfWork(database), ids=SequentialIds("n"), clock=CLOCK)

    assert database.tables["cases"][case.id].updated_at == CLOCK.now()


def test_a_waiting_consultation_is_taken_before_it_is_answered(
        database: FakeDatabase, router: InboundRouter) -> None:
    """Two staff must not both answer one resident: a reply to a consultation still in the
    queue is refused until someone takes it."""
    _inquire(database, router)
    [case] = database.tables["cases"].values()
    with FakeUnitOfWork(database) as uow:
        uow.consultations.add(Consultation(id=case.id, department_id="d2",
                                           requested_at=CLOCK.now(), in_hours=True))
        uow.commit()

    with pytest.raises(IllegalTransition, match="「対応する」を押してから"):
        reply_to_case(ReplyToCase(case_id=case.id, text="回答です。", request_key="k9",
                                  actor=ADMIN), uow=FakeUnitOfWork(database),
                      ids=SequentialIds("w"), clock=CLOCK)

    assert [e for e in database.tables["case_entries"].values()
            if e.kind is CaseEntryKind.REPLY] == []
