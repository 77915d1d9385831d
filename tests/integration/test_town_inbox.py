"""The town's inbox on a real database (ADR 0042): a finished お問い合わせ becomes a case in the
department of its topic with a number the resident can quote; a case worker of that department
answers it in the resident's chat (once, however often the form is sent), the resident's next
message attaches to the case, 「メニュー」 brings the bot back, and a closed case says so. A case
worker of another department is refused."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from adapters.persistence.orm.messaging import outbox
from application.access.actor import Actor
from application.cases.handling_case import CaseAction, HandleCase, handle_case
from application.cases.managing_departments import (
    SaveDepartment,
    SetStaffDepartments,
    save_department,
    set_staff_departments,
)
from application.cases.replying_to_case import ReplyToCase, reply_to_case
from application.cases.viewing_cases import list_cases, view_case
from application.channels.inbound import InboundEvent, InboundKind
from application.messaging.codec import messages_from_json
from domain.cases import CaseEntryKind, CaseStatus, InboxCase
from domain.errors import NotAllowed
from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import make_staff

pytestmark = pytest.mark.integration

OPERATOR = Actor.operator("test")
USER = "U" + "1" * 32
_events = itertools.count(1)


@pytest.fixture
def town(container: Container) -> Iterator[dict[str, str]]:
    made = {}
    for name in ("総務課", "環境課", "建設課（道路・公園）"):
        made[name] = save_department(SaveDepartment(name=name, actor=OPERATOR),
                                     uow=container.uow(), ids=container.ids(),
                                     clock=container.clock()).id
    for login, department in (("roads-worker", "建設課（道路・公園）"), ("env-worker", "環境課")):
        staff_id = make_staff(container, login, Role.CASE_WORKER)
        set_staff_departments(SetStaffDepartments(staff_id=staff_id,
                                                  department_ids=[made[department]],
                                                  actor=OPERATOR),
                              uow=container.uow(), clock=container.clock())
        made[login] = staff_id
    yield made


def _says(container: Container, text: str) -> list[str]:
    """The resident types `text` on LINE; what the town answers (the outbox row it wrote)."""
    before = _outbox_ids(container)
    event = InboundEvent(channel="line", external_id=f"ev{next(_events)}", address=USER,
                         kind=InboundKind.TEXT, occurred_at=dt.datetime.now(dt.UTC), text=text)
    assert container.inbound_router().handle(event, uow=container.uow())
    return _texts_since(container, before)


def _outbox_ids(container: Container) -> set[str]:
    with container.uow() as uow:
        return set(uow.session.scalars(select(outbox.c.id)))


def _texts_since(container: Container, before: set[str]) -> list[str]:
    with container.uow() as uow:
        rows = uow.session.execute(select(outbox.c.id, outbox.c.payload)
                                   .order_by(outbox.c.created_at, outbox.c.id)).all()
    return [m.text for row_id, payload in rows if row_id not in before
            for m in messages_from_json(payload["messages"])]


def _inquire(container: Container, topic: str = "道路・公園") -> str:
    for text in ("お問い合わせ", "山田 花子", topic, "本町2丁目の街灯が消えています。", "いいえ"):
        _says(container, text)
    return "\n".join(_says(container, "はい"))


def _the_case(container: Container) -> InboxCase:
    with container.uow() as uow:
        found = uow.queries.cases.cases(departments=None, status=None)
        assert len(found) == 1
        return found[0]


def test_a_finished_inquiry_is_a_case_in_the_department_of_its_topic(
        container: Container, town: dict[str, str]) -> None:
    said = _inquire(container)

    case = _the_case(container)
    assert case.number.endswith("-000001") and case.number in said
    assert "このLINE" not in said and "担当の課から、こちらでお返事します" in said
    assert case.department_id == town["建設課（道路・公園）"]
    assert case.status is CaseStatus.NEW and case.title == "お問い合わせ（道路・公園）"
    assert ["ご用件", "道路・公園"] in case.answers
    assert ["内容", "本町2丁目の街灯が消えています。"] in case.answers


def test_the_next_number_follows_the_years_highest(container: Container,
                                                   town: dict[str, str]) -> None:
    _inquire(container)
    _says(container, "メニュー")
    _inquire(container, "ごみ・環境")
    with container.uow() as uow:
        numbers = sorted(c.number for c in uow.queries.cases.cases(departments=None,
                                                                   status=None))
    assert [n[-6:] for n in numbers] == ["000001", "000002"]


def test_a_reply_goes_to_the_chat_once_and_the_residents_answer_joins_the_case(
        container: Container, town: dict[str, str]) -> None:
    _inquire(container)
    case = _the_case(container)
    worker = Actor.staff(_member(container, town["roads-worker"]))
    before = _outbox_ids(container)

    sent = [reply_to_case(ReplyToCase(case_id=case.id, text="明日修理します。",
                                      request_key="form-1", actor=worker),
                          uow=container.uow(), ids=container.ids(), clock=container.clock())
            for _ in range(2)]  # a double submit

    assert [r.repeated for r in sent] == [False, True]
    replies = _texts_since(container, before)
    assert len(replies) == 1 and "明日修理します。" in replies[0] and case.number in replies[0]
    assert _the_case(container).status is CaseStatus.ANSWERED

    told = _says(container, "ありがとうございます。よろしくお願いします。")
    assert told == [f"受付番号 {case.number} の案件にメッセージを追加しました。"
                    "担当の課からお返事します。メニューに戻るときは「メニュー」と送ってください。"]
    assert _says(container, "もう一つ、隣の街灯もです。") == []  # told once: the bot steps aside

    file = view_case(case.id, actor=worker, uow=container.uow(), clock=container.clock())
    assert [e.kind for e in file.entries] == [CaseEntryKind.REPLY, CaseEntryKind.RESIDENT,
                                              CaseEntryKind.RESIDENT]
    assert file.entries[0].outbox_id in file.deliveries  # where the reply stands
    assert file.case.status is CaseStatus.IN_PROGRESS and file.case.resident_waiting


def test_menu_brings_the_bot_back(container: Container, town: dict[str, str]) -> None:
    _inquire(container)
    assert "ご用件をお選びください" in _says(container, "メニュー")[-1]
    assert "ご用件をお選びください" in _says(container, "こんにちは")[-1]  # the bot again
    with container.uow() as uow:
        assert uow.case_entries.of_case(_the_case(container).id) == []


def test_a_message_to_a_closed_case_is_told_so_and_offered_the_menu(
        container: Container, town: dict[str, str]) -> None:
    _inquire(container)
    case = _the_case(container)
    worker = Actor.staff(_member(container, town["roads-worker"]))
    handle_case(HandleCase(case_id=case.id, action=CaseAction.CLOSE, actor=worker),
                uow=container.uow(), ids=container.ids(), clock=container.clock())

    told = _says(container, "まだ直っていません")

    assert "対応を終えています" in told[0] and "ご用件をお選びください" in told[-1]
    assert "ご用件をお選びください" in _says(container, "まだです")[-1]  # once: then the bot


def test_a_case_worker_of_another_department_is_refused(container: Container,
                                                        town: dict[str, str]) -> None:
    _inquire(container)
    case = _the_case(container)
    other = Actor.staff(_member(container, town["env-worker"]))

    with pytest.raises(NotAllowed, match="建設課（道路・公園）」の案件です"):
        view_case(case.id, actor=other, uow=container.uow(), clock=container.clock())
    with pytest.raises(NotAllowed):
        reply_to_case(ReplyToCase(case_id=case.id, text="回答", request_key="k", actor=other),
                      uow=container.uow(), ids=container.ids(), clock=container.clock())
    assert list_cases(status=None, actor=other, uow=container.uow(),
                      clock=container.clock()).cases == ()
    assert len(list_cases(status=None, actor=OPERATOR, uow=container.uow(),
                          clock=container.clock()).cases) == 1  # an administrator sees all


def _member(container: Container, staff_id: str):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return uow.staff.get(staff_id)
