"""Procedures staff build, through the LINE simulator (ADR 0055): a published procedure joins
the menu on the channels chosen and its cases go to the department it names; a resident
mid-way through version 1 finishes on version 1 after version 2 is published; a draft is tried
with 「試す <code>」 and submits nothing; requires verification, capacity and withdrawal refuse
clearly; a guide answers and creates nothing."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from sqlalchemy import text

from application.access.actor import Actor
from application.cases.managing_departments import SaveDepartment, save_department
from application.procedure_builder.drafting import SaveDraft, save_draft, start_trial
from application.procedure_builder.publishing import publish_procedure, withdraw_procedure
from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

ADMIN = Actor(id="cli:test", role=Role.ADMINISTRATOR, label="cli:test")

BULKY: dict[str, Any] = {
    "format": "madoguchi.procedure", "version": 1,
    "procedure": {
        "id": "bulky_waste", "title": "粗大ごみ収集の申込",
        "steps": [
            {"key": "items", "label": "品目数", "answer": "number", "min_value": 1,
             "max_value": 10, "question": "出す粗大ごみは何点ですか？"},
            {"key": "kind", "label": "主な品目", "answer": "choice",
             "question": "主な品目を選んでください。",
             "choices": [{"value": "furniture", "label": "家具"},
                         {"value": "appliance", "label": "家電"}]},
        ],
        "completion_message": "申込を受け付けました。",
    },
    "routing": {"default": "環境課"},
}


def _publish(container: Container, template: dict[str, Any], *, new: bool = True,
             in_menu: bool = True) -> int:
    save_draft(SaveDraft(template=template, actor=ADMIN, new=new, in_menu=in_menu or None,
                         channels=("line", "web")), uow=container.uow(), clock=container.clock())
    return publish_procedure(template["procedure"]["id"], actor=ADMIN, uow=container.uow(),
                             clock=container.clock()).number


def _departments(container: Container) -> None:
    for name in ("総務課", "環境課"):
        save_department(SaveDepartment(name=name, actor=ADMIN), uow=container.uow(),
                        ids=container.ids(), clock=container.clock())


def _cases(stack: Stack, procedure_id: str) -> list[tuple[str, str, list[Any]]]:
    with stack.container.uow() as uow:
        departments = {d.id: d.name for d in uow.departments.all()}
        rows = uow.session.execute(  # type: ignore[attr-defined]
            text("select department_id, title, id from cases where procedure_id = :p"),
            {"p": procedure_id}).all()
        return [(departments.get(row[0], ""), row[1], list(uow.cases.get(row[2]).answers))
                for row in rows]


def test_a_published_procedure_joins_the_menu_and_its_case_goes_to_its_department(
        stack: Stack) -> None:
    _departments(stack.container)
    assert _publish(stack.container, BULKY) == 1
    user = stack.resident()
    stack.sim.follow(user)
    stack.tap(user, "粗大ごみ収集の申込")
    stack.sim.send_text(user, "3")
    stack.tap(user, "家具")
    stack.tap(user, "はい")
    assert "申込を受け付けました。" in stack.said(user)
    assert re.search(r"受付番号 \d{4}-\d{6}", stack.said(user))
    [(department, title, answers)] = _cases(stack, "bulky_waste")
    assert department == "環境課" and title == "粗大ごみ収集の申込（家具）"
    assert ("品目数", "3") in [tuple(a) for a in answers]


def test_a_resident_midway_through_version_1_finishes_on_version_1(stack: Stack) -> None:
    _departments(stack.container)
    _publish(stack.container, BULKY)
    early, late = stack.resident("早い人"), stack.resident("遅い人")
    stack.sim.follow(early)
    stack.tap(early, "粗大ごみ収集の申込")
    stack.sim.send_text(early, "2")  # now at version 1's choice question

    second = copy.deepcopy(BULKY)
    second["procedure"]["steps"][1]["choices"].append({"value": "bicycle", "label": "自転車"})
    second["procedure"]["steps"][1]["question"] = "主な品目を選んでください（第2版）。"
    assert _publish(stack.container, second, new=False) == 2

    labels = [item["action"]["label"] for item in stack.last(early)["quickReply"]["items"]]
    assert "自転車" not in labels  # version 1's question, as asked
    stack.tap(early, "家電")
    stack.tap(early, "はい")
    assert "受付番号" in stack.said(early)

    stack.sim.follow(late)
    stack.tap(late, "粗大ごみ収集の申込")
    stack.sim.send_text(late, "1")
    assert "（第2版）" in stack.texts(late)[-1]
    stack.tap(late, "自転車")
    stack.tap(late, "はい")
    with stack.container.uow() as uow:
        versions = sorted(
            (uow.conversations.latest_for(
                uow.channel_identities.get_by_address("line", who).id).procedure_version)
            for who in (early, late))
    assert versions == [1, 2]
    assert len(_cases(stack, "bulky_waste")) == 2


def test_staff_try_a_draft_with_its_code_and_nothing_is_submitted(stack: Stack) -> None:
    _departments(stack.container)
    container = stack.container
    save_draft(SaveDraft(template=BULKY, actor=ADMIN, new=True), uow=container.uow(),
               clock=container.clock())
    code = start_trial("bulky_waste", actor=ADMIN, uow=container.uow(), clock=container.clock())
    user = stack.resident()
    stack.sim.follow(user)
    assert all("粗大ごみ" not in item["action"]["label"]
               for item in stack.last(user)["quickReply"]["items"])  # not published
    stack.sim.send_text(user, f"試す {code.lower()}")
    assert "何点ですか" in stack.texts(user)[-1]
    stack.sim.send_text(user, "1")
    stack.tap(user, "家電")
    stack.tap(user, "はい")
    assert "試行" in stack.texts(user)[-1]
    assert _cases(stack, "bulky_waste") == []
    stack.sim.send_text(user, "試す ZZZZZZZZ")
    assert "コードが違うか" in " ".join(stack.texts(user)[-2:])


def test_withdrawn_full_and_unverified_are_refused_clearly(stack: Stack) -> None:
    _departments(stack.container)
    container = stack.container
    event = copy.deepcopy(BULKY)
    event["procedure"].update(id="event", title="講座の申込", capacity=1)
    _publish(container, event)
    school = copy.deepcopy(BULKY)
    school["procedure"].update(id="school_aid", title="就学援助の申請",
                               requires_verification=True)
    _publish(container, school)

    first, second = stack.resident("一人目"), stack.resident("二人目")
    for user in (first, second):
        stack.sim.follow(user)
        stack.tap(user, "講座の申込")
    stack.sim.send_text(first, "1")
    stack.tap(first, "家具")
    stack.tap(first, "はい")
    stack.sim.send_text(second, "1")  # started before the place was taken: told at the end
    stack.tap(second, "家具")
    stack.tap(second, "はい")
    assert "定員に達したため" in stack.texts(second)[-1]
    assert len(_cases(stack, "event")) == 1
    third = stack.resident("三人目")
    stack.sim.follow(third)
    stack.tap(third, "講座の申込")
    assert "定員に達した" in " ".join(stack.texts(third)[-2:])

    stack.tap(third, "就学援助の申請")
    assert "本人確認が必要" in " ".join(stack.texts(third)[-2:])

    withdraw_procedure("event", actor=ADMIN, uow=container.uow(), clock=container.clock())
    stack.sim.send_text(third, "メニュー")
    labels = [item["action"]["label"] for item in stack.last(third)["quickReply"]["items"]]
    assert "講座の申込" not in labels and "就学援助の申請" in labels


def test_a_guide_answers_and_opens_no_case(stack: Stack) -> None:
    _departments(stack.container)
    guide = copy.deepcopy(BULKY)
    guide["procedure"].update(id="moving_guide", title="引っ越しの手続き案内", submits=False,
                              confirm=False,
                              completion_message="転出届は旧住所の役所へ出してください。")
    del guide["routing"]
    _publish(stack.container, guide)
    user = stack.resident()
    stack.sim.follow(user)
    stack.tap(user, "引っ越しの手続き案内")
    stack.sim.send_text(user, "1")
    stack.tap(user, "家具")
    assert "転出届は旧住所の役所へ" in stack.texts(user)[-1]
    assert "受付番号" not in stack.texts(user)[-1]
    assert _cases(stack, "moving_guide") == []


def test_a_friend_never_seen_before_can_start_from_a_rich_menu_tile(stack: Stack) -> None:
    """Their first event is the tile's postback (they followed before the webhook was set):
    the identity and the dialog are written in one transaction, the identity first."""
    _departments(stack.container)
    _publish(stack.container, BULKY)
    user = stack.sim.add_user("前からの友だち", following=True).user_id  # no follow event
    assert stack.sim.postback(user, "start:bulky_waste").status == 200
    assert "何点ですか" in stack.texts(user)[-1]
