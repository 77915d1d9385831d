"""相談 on fakes, through the router and the real message bus: a finished consultation request
waits in its department's queue and the resident is told their place and the hours (outside
them, when staff answer); a staff member takes it and the resident learns who answers, by the
name residents read; messages go both ways in the case's thread; ending it brings the menu back.
"""

from __future__ import annotations

import datetime as dt

import pytest

from application.access.actor import Actor
from application.cases.consultation_desk import ConsultationDesk
from application.cases.consultation_hours import SetHours, set_hours
from application.cases.consultation_procedure import CONSULTATION
from application.cases.ending_consultation import EndConsultation, end_consultation
from application.cases.opening_case import CaseDesk
from application.cases.replying_to_case import ReplyToCase, reply_to_case
from application.cases.taking_consultation import TakeConsultation, take_consultation
from application.cases.viewing_consultations import view_consultations, waited_text
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import Menu, MenuEntry
from application.channels.routing import InboundRouter
from application.conversations.engine import ConversationEngine
from application.handlers import message_bus
from application.messaging.codec import messages_from_json
from application.messaging.telling import ContactPolicy, Telling
from domain.cases import CaseEntryKind, CaseStatus, Department
from domain.consultations import ConsultationStatus
from domain.errors import IllegalTransition, NotAllowed
from domain.staff import Role, StaffMember
from tests.fakes import JST, FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds
from tests.unit.test_conversations import FakeBankMaster
from tests.unit.test_inbound_routing import NoIdentityProvider

pytestmark = pytest.mark.unit

PROCEDURES = {CONSULTATION.id: CONSULTATION}
MENU = Menu("試験町", [MenuEntry("consultation", "相談")])
MONDAY_TEN = dt.datetime(2026, 12, 7, 10, 0, tzinfo=JST)


class NoHolidays:
    def is_closed_day(self, day: dt.date) -> bool:
        return False


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_TEN)


@pytest.fixture
def database(clock: FakeClock) -> FakeDatabase:
    ids = SequentialIds("m")
    database = FakeDatabase(message_bus(
        telling=Telling(ContactPolicy(("line",)), ids, clock), ids=ids, clock=clock,
        banks=None, pay_url=lambda request_id: "", menu=MENU))
    with FakeUnitOfWork(database) as uow:
        for id_, name in (("d1", "総務課"), ("d2", "子育て支援課")):
            uow.departments.add(Department(id=id_, name=name))
        for id_, login, name in (("s1", "hanako", "山田 花子"), ("s2", "taro", "佐藤 太郎")):
            uow.staff.add(StaffMember(id=id_, login_id=login, display_name=name,
                                      role=Role.CASE_WORKER, password_hash="x"))
        uow.departments.set_staff_departments("s1", ["d2"])
        uow.departments.set_staff_departments("s2", ["d1"])
        uow.commit()
    return database


@pytest.fixture
def router(clock: FakeClock) -> InboundRouter:
    return InboundRouter(
        engine=ConversationEngine(PROCEDURES, clock, FakeBankMaster()), menu=MENU,
        handlers=[ConsultationDesk(PROCEDURES, FakeBankMaster(), NoHolidays())],
        identity_provider=NoIdentityProvider(), status=lambda identity, *, uow: [],
        ids=SequentialIds("x"), clock=clock, cases=CaseDesk(PROCEDURES, FakeBankMaster()))


def _outbox(database: FakeDatabase) -> dict[str, list[str]]:
    """Each recipient's messages, in the order written."""
    found: dict[str, list[str]] = {}
    for row in database.tables["outbox"].values():
        found.setdefault(row.recipient, []).extend(
            m.text for m in messages_from_json(row.payload["messages"]))
    return found


def _say(database: FakeDatabase, router: InboundRouter, user: str, text: str) -> list[str]:
    before = len(_outbox(database).get(user, []))
    event = InboundEvent(channel="line", external_id=f"e{len(database.tables['inbox'])}",
                         address=user, kind=InboundKind.TEXT, text=text,
                         occurred_at=MONDAY_TEN)
    assert router.handle(event, uow=FakeUnitOfWork(database))
    return _outbox(database).get(user, [])[before:]


def _ask(database: FakeDatabase, router: InboundRouter, user: str) -> list[str]:
    for text in ("相談", "子育て・教育", "保育園の入園について"):
        _say(database, router, user, text)
    return _say(database, router, user, "はい")


def _staff(id_: str) -> Actor:
    return Actor(id=id_, role=Role.CASE_WORKER, label=id_)


def _case_of(database: FakeDatabase, user: str) -> str:
    identity = next(i for i in database.tables["channel_identities"].values()
                    if i.address == user)
    return next(c.id for c in database.tables["cases"].values()
                if c.identity_id == identity.id)


def test_a_request_in_hours_waits_its_turn_in_the_department_queue(
        database: FakeDatabase, router: InboundRouter) -> None:
    [first] = _ask(database, router, "U1")
    [second] = _ask(database, router, "U2")

    assert "子育て支援課の職員が順番に対応します。現在1番目" in first
    assert "現在2番目" in second and "受付時間：月火水木金 8:30〜17:15" in second
    consultation = database.tables["consultations"][_case_of(database, "U1")]
    assert (consultation.department_id, consultation.in_hours) == ("d2", True)


def test_a_request_out_of_hours_is_told_when_staff_answer(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    clock.current = dt.datetime(2026, 12, 5, 20, 0, tzinfo=JST)  # a Saturday evening
    [told] = _ask(database, router, "U1")
    assert "ただいま子育て支援課の受付時間外です" in told
    assert "2026年12月7日 8:30以降に職員がこのトークでお答えします" in told


def test_hours_an_administrator_sets_are_the_departments(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    admin = Actor(id="a1", role=Role.ADMINISTRATOR, label="admin")
    set_hours(SetHours(department_id="d2", weekdays="月火水木金", opens="13:00", closes="17:00",
                       actor=admin), uow=FakeUnitOfWork(database), clock=clock)
    [told] = _ask(database, router, "U1")
    assert "受付時間外" in told and "2026年12月7日 13:00以降" in told


def test_the_resident_writes_while_waiting_and_is_told_once(
        database: FakeDatabase, router: InboundRouter) -> None:
    _ask(database, router, "U1")
    assert _say(database, router, "U1", "急ぎです") == [
        "メッセージは担当の職員に届いています。職員が対応するまで、もうしばらくお待ちください。"]
    assert _say(database, router, "U1", "よろしくお願いします") == []
    entries = sorted(database.tables["case_entries"].values(), key=lambda e: e.at)
    assert [e.text for e in entries] == ["急ぎです", "よろしくお願いします"]


def test_a_live_consultation_from_taking_to_ending(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    _ask(database, router, "U1")
    case_id = _case_of(database, "U1")

    take_consultation(TakeConsultation(case_id=case_id, actor=_staff("s1")),
                      uow=FakeUnitOfWork(database), clock=clock)
    assert _outbox(database)["U1"][-1] == "お待たせしました。子育て支援課の担当 Hが対応します。"

    reply_to_case(ReplyToCase(case_id=case_id, text="どの園をご希望ですか？", request_key="k1",
                              actor=_staff("s1")),
                  uow=FakeUnitOfWork(database), ids=SequentialIds("r"), clock=clock)
    assert _outbox(database)["U1"][-1] == "【子育て支援課 担当 H】\nどの園をご希望ですか？"
    assert _say(database, router, "U1", "中央保育園です") == []  # live: no acknowledgement
    assert _say(database, router, "U1", "4月からです") == []

    end_consultation(EndConsultation(case_id=case_id, actor=_staff("s1")),
                     uow=FakeUnitOfWork(database), clock=clock)
    assert "子育て支援課との相談を終了しました" in _outbox(database)["U1"][-1]
    case = database.tables["cases"][case_id]
    assert (case.status, case.holds_the_chat) == (CaseStatus.CLOSED, False)
    assert database.tables["consultations"][case_id].status is ConsultationStatus.ENDED
    kinds = [e.kind for e in sorted(database.tables["case_entries"].values(),
                                    key=lambda e: (e.at, e.id))]
    assert kinds.count(CaseEntryKind.RESIDENT) == 2 and CaseEntryKind.REPLY in kinds
    assert _say(database, router, "U1", "こんにちは") == ["ご用件をお選びください。"]  # the bot


def test_the_queue_shows_waiting_residents_oldest_first_with_their_wait(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    _ask(database, router, "U1")
    clock.advance(minutes=7)
    _ask(database, router, "U2")
    clock.advance(minutes=65)
    found = view_consultations(actor=_staff("s1"), uow=FakeUnitOfWork(database), clock=clock)
    assert [waited_text(line.waited) for line in found.waiting] == ["1時間12分", "1時間5分"]
    assert [line.department for line in found.waiting] == ["子育て支援課"] * 2
    other = view_consultations(actor=_staff("s2"), uow=FakeUnitOfWork(database), clock=clock)
    assert other.waiting == ()  # another department's queue is not shown


def test_another_departments_staff_cannot_take_it_and_nothing_changes(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    _ask(database, router, "U1")
    case_id = _case_of(database, "U1")
    with pytest.raises(NotAllowed, match="子育て支援課"):
        take_consultation(TakeConsultation(case_id=case_id, actor=_staff("s2")),
                          uow=FakeUnitOfWork(database), clock=clock)
    take_consultation(TakeConsultation(case_id=case_id, actor=_staff("s1")),
                      uow=FakeUnitOfWork(database), clock=clock)
    with pytest.raises(IllegalTransition):  # taken twice: the second is refused
        take_consultation(TakeConsultation(case_id=case_id, actor=_staff("s1")),
                          uow=FakeUnitOfWork(database), clock=clock)
    assert database.tables["consultations"][case_id].staff_id == "s1"

