"""相談 end to end (ADR 0046), through the LINE simulator and the staff pages: a resident asks
for 相談 and waits in the department's queue (told their place and the hours); an administrator
has set the name residents read for the staff member; the staff member sees the queue, takes the
consultation (the resident is told who answers, never their full name), they exchange messages
in the case's thread, the staff member ends it, and the bot answers the resident again."""

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
from domain.cases import CaseStatus
from domain.consultations import ConsultationStatus
from domain.staff import Role
from tests.e2e.conftest import Stack
from tests.e2e.staff_support import make_staff, sign_in, token

pytestmark = pytest.mark.e2e

OPERATOR = Actor.operator("test")


def _town(stack: Stack) -> str:
    """子育て支援課 with one case worker (山田 花子, login hanako); the worker's id."""
    container = stack.container
    for name in ("総務課", "子育て支援課"):
        department = save_department(SaveDepartment(name=name, actor=OPERATOR),
                                     uow=container.uow(), ids=container.ids(),
                                     clock=container.clock())
    worker = make_staff(container, "hanako", Role.CASE_WORKER, name="山田 花子")
    set_staff_departments(SetStaffDepartments(staff_id=worker, department_ids=[department.id],
                                              actor=OPERATOR),
                          uow=container.uow(), clock=container.clock())
    make_staff(container, "admin", Role.ADMINISTRATOR)
    return worker


def test_a_resident_consults_a_department_live_and_the_bot_resumes(
        stack: Stack, client: FlaskClient) -> None:
    worker = _town(stack)
    sign_in(client, "admin")
    settings = client.get("/staff/consultations/settings").get_data(as_text=True)
    assert 'placeholder="担当 H"' in settings and "月火水木金 8:30〜17:15" in settings
    named = client.post(f"/staff/consultations/names/{worker}", data={"chat_name": "はなこ"},
                        headers={"X-CSRF-Token": token(client)})
    assert named.status_code == 302
    client.post("/staff/logout", headers={"X-CSRF-Token": token(client)})

    user = stack.resident()
    stack.sim.follow(user)
    stack.tap(user, "相談")
    stack.tap(user, "子育て・教育")
    stack.sim.send_text(user, "保育園の入園について")
    stack.tap(user, "はい")
    queued = stack.texts(user)[-1]
    number = re.search(r"受付番号 (\d{4}-\d{6})", queued)
    assert number is not None, queued
    assert "子育て支援課" in queued and "1番目" in queued and "受付時間" in queued

    stack.sim.send_text(user, "急ぎではありません。")  # while waiting: told once it arrived
    assert "もうしばらくお待ちください" in stack.texts(user)[-1]

    sign_in(client, "hanako")
    headers = {"X-CSRF-Token": token(client)}
    queue = client.get("/staff/consultations/").get_data(as_text=True)
    assert number.group(1) in queue and "対応する" in queue and "http-equiv=\"refresh\"" in queue
    case_id = re.search(r'href="/staff/cases/([^"?/]+)"', queue).group(1)  # type: ignore[union-attr]
    took = client.post(f"/staff/consultations/{case_id}/take", headers=headers)
    assert took.status_code == 302 and took.location.endswith(f"/staff/cases/{case_id}")
    told = stack.texts(user)[-1]
    assert told == "お待たせしました。子育て支援課のはなこが対応します。"
    assert "山田" not in " ".join(stack.texts(user))  # never the full name

    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "急ぎではありません。" in page and "相談を終える" in page and "live_case.js" in page
    key = re.search(r'name="reply_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post(f"/staff/cases/{case_id}/reply", headers=headers,
                data={"text": "ご希望の園はありますか？", "reply_key": key})
    assert stack.texts(user)[-1] == "【子育て支援課 はなこ】\nご希望の園はありますか？"

    before = len(stack.texts(user))
    stack.sim.send_text(user, "中央保育園です。")
    assert len(stack.texts(user)) == before  # live: the bot stays silent
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "中央保育園です。" in page

    ended = client.post(f"/staff/consultations/{case_id}/end", headers=headers)
    assert ended.status_code == 302
    assert "子育て支援課との相談を終了しました" in stack.texts(user)[-1]
    assert stack.last(user)["quickReply"]  # the menu is back
    with stack.container.uow() as uow:
        assert uow.cases.get(case_id).status is CaseStatus.CLOSED
        assert uow.consultations.get(case_id).status is ConsultationStatus.ENDED

    stack.sim.send_text(user, "こんにちは")
    assert stack.texts(user)[-1] == "ご用件をお選びください。"  # the bot resumes
    queue = client.get("/staff/consultations/").get_data(as_text=True)
    assert "お待ちの住民はいません。" in queue
