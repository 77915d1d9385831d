"""The town's inbox end to end (ADR 0042), through the LINE simulator and the staff pages: a
resident reports a broken street light with a photo; it lands in the roads department with a
number; a case worker of that department takes it and answers from the case page (a double
submit goes once); the answer reaches the chat and shows as delivered; the resident writes back
into the same case; the case is closed; a colleague of another department is refused."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from application.access.actor import Actor
from application.cases.managing_departments import (
    SaveDepartment,
    SetStaffDepartments,
    save_department,
    set_staff_departments,
)
from application.cases.replying_to_case import ReplyToCase, reply_to_case
from domain.cases import CaseStatus
from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.conftest import Stack
from tests.e2e.staff_support import make_staff, sign_in, token
from tests.support.resident_page import ResidentBrowser

pytestmark = pytest.mark.e2e

OPERATOR = Actor.operator("test")
PHOTO = b"\xff\xd8\xff a dark street light"


def _town(stack: Stack) -> None:
    container = stack.container
    made = {name: save_department(SaveDepartment(name=name, actor=OPERATOR),
                                  uow=container.uow(), ids=container.ids(),
                                  clock=container.clock()).id
            for name in ("総務課", "環境課", "建設課（道路・公園）")}
    for login, department in (("roads", "建設課（道路・公園）"), ("kankyo", "環境課")):
        set_staff_departments(SetStaffDepartments(
            staff_id=make_staff(container, login, Role.CASE_WORKER),
            department_ids=[made[department]], actor=OPERATOR),
            uow=container.uow(), clock=container.clock())


def _report(stack: Stack, user: str) -> str:
    stack.sim.follow(user)
    stack.tap(user, "お問い合わせ")
    stack.sim.send_text(user, "山田 花子")
    stack.tap(user, "道路・公園")
    stack.sim.send_text(user, "本町2丁目の街灯が消えています。")
    stack.tap(user, "はい")
    stack.sim.send_image(user, PHOTO, "image/jpeg")
    stack.tap(user, "はい")
    done = stack.said(user)
    found = re.search(r"受付番号 (\d{4}-\d{6})", done)
    assert found is not None, done
    assert "このLINE" not in done and "担当の課から、こちらでお返事します" in done
    return found.group(1)


def test_a_report_is_answered_in_the_chat_and_the_resident_answers_back(
        stack: Stack, client: FlaskClient) -> None:
    _town(stack)
    user = stack.resident()
    number = _report(stack, user)

    sign_in(client, "roads")
    inbox = client.get("/staff/cases/?status=new").get_data(as_text=True)
    assert number in inbox and "お問い合わせ（道路・公園）" in inbox
    case_id = re.search(r'href="/staff/cases/([^"?/]+)"', inbox).group(1)  # type: ignore[union-attr]
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "本町2丁目の街灯が消えています。" in page and "建設課（道路・公園）" in page
    photo = re.search(r'src="(/staff/cases/[^"]+/photo\?ref=[^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert client.get(photo.replace("&amp;", "&")).data == PHOTO

    headers = {"X-CSRF-Token": token(client)}
    assert client.post(f"/staff/cases/{case_id}/assign", headers=headers).status_code == 302
    key = re.search(r'name="reply_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = {"text": "ご連絡ありがとうございます。明日修理します。", "reply_key": key}
    for _ in range(2):  # a double submit
        assert client.post(f"/staff/cases/{case_id}/reply", data=form,
                           headers=headers).status_code == 302

    replies = [t for t in stack.texts(user) if "明日修理します" in t]
    assert len(replies) == 1 and number in replies[0]
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "配信済み" in page and "回答済み" in page

    stack.sim.send_text(user, "ありがとうございます。よろしくお願いします。")
    assert f"受付番号 {number} の案件にメッセージを追加しました" in stack.texts(user)[-1]
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "よろしくお願いします。" in page and "対応中" in page

    assert client.post(f"/staff/cases/{case_id}/close", headers=headers).status_code == 302
    with stack.container.uow() as uow:
        assert uow.cases.get(case_id).status is CaseStatus.CLOSED
    stack.sim.send_text(user, "まだ暗いです")
    assert "対応を終えています" in " ".join(stack.texts(user)[-2:])
    assert stack.last(user)["quickReply"]  # the menu is offered

    client.post("/staff/logout", headers=headers)
    sign_in(client, "kankyo")
    refused = client.get(f"/staff/cases/{case_id}")
    assert refused.status_code == 403
    assert "「建設課（道路・公園）」の案件です" in refused.get_data(as_text=True)


def test_an_inquiry_on_the_web_page_is_answered_on_the_page(
        container: Container, client: FlaskClient) -> None:
    """The same promise on the web channel: the number on the page, the answer there too."""
    made = save_department(SaveDepartment(name="総務課", actor=OPERATOR), uow=container.uow(),
                           ids=container.ids(), clock=container.clock())
    web = ResidentBrowser(client)
    web.open()
    web.press("はじめる")
    web.press("お問い合わせ")
    web.answer("山田 花子")
    web.press("その他")
    web.answer("ゴミの収集日を知りたいです。")
    web.press("いいえ")
    web.press("はい")
    number = re.search(r"受付番号 (\d{4}-\d{6})", web.said())
    assert number is not None and "このLINE" not in web.said()

    with container.uow() as uow:
        [case] = uow.queries.cases.cases(departments=None, status=None)
    assert case.department_id == made.id  # その他: the default department
    reply_to_case(ReplyToCase(case_id=case.id, text="毎週火曜日です。", request_key="k1",
                              actor=OPERATOR),
                  uow=container.uow(), ids=container.ids(), clock=container.clock())

    web.open()
    assert any("毎週火曜日です。" in m and number.group(1) in m for m in web.messages())
    web.answer("ありがとうございました。")
    assert "案件にメッセージを追加しました" in web.last()
