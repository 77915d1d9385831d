"""A procedure's fee end to end (ADR 0053), through the LINE simulator, the fake provider's pay
page and the staff case page: a resident applies for a bulky-waste collection of three items,
is told 400円 × 3点 = 1,200円 and pays; only then is the case in the environment department's
inbox, with its payment; staff refund it from the case page (once); an attempt that expires is
told with a button to try again; a fee never paid is dropped with its answers."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import requests
from dependency_injector import providers
from flask.testing import FlaskClient
from sqlalchemy import text

from application.access.actor import Actor
from application.cases.dropping_unpaid_fees import drop_unpaid_fees
from application.cases.managing_departments import (
    SaveDepartment,
    SetStaffDepartments,
    save_department,
    set_staff_departments,
)
from application.channels.menu import Menu, MenuEntry
from application.conversations.catalogue import ProcedureCatalogue
from application.conversations.fees import Fee
from application.conversations.procedures import AnswerType, Procedure, Step
from application.payments.paying import expire_payments, settle_payment
from application.ports.audit import AuditQuery
from domain.payments import PaymentState
from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.conftest import Stack
from tests.e2e.staff_support import make_staff, sign_in, token

pytestmark = pytest.mark.e2e

OPERATOR = Actor.operator("test")
BULKY = Procedure(
    id="bulky", title="粗大ごみ収集の申込",
    steps=(Step(key="what", question="出すものを教えてください。", answer=AnswerType.TEXT,
                label="品目"),
           Step(key="items", question="何点ですか？", answer=AnswerType.NUMBER, min_value=1,
                max_value=10, label="点数")),
    fee=Fee(amount=400, label="粗大ごみ処理手数料", per_answer="items"))


@pytest.fixture
def bulky(container: Container) -> Container:
    """A test-only procedure with a fee per item, in the menu (before anything is built: the
    stack is asked for after this)."""
    procedures = ProcedureCatalogue({**container.procedures().builtins, BULKY.id: BULKY})
    container.procedures.override(providers.Object(procedures))
    container.menu.override(providers.Object(Menu(
        town_name="試験町", entries=[MenuEntry("bulky", "粗大ごみ収集の申込")])))
    return container


def _environment_department(container: Container) -> None:
    environment = save_department(SaveDepartment(name="環境課", alert_email="kankyo@town.example",
                                                 actor=OPERATOR),
                                  uow=container.uow(), ids=container.ids(),
                                  clock=container.clock())
    set_staff_departments(SetStaffDepartments(
        staff_id=make_staff(container, "kankyo", Role.CASE_WORKER),
        department_ids=[environment.id], actor=OPERATOR),
        uow=container.uow(), clock=container.clock())


def _buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["action"]["label"]: b["action"]
            for b in message["contents"]["footer"]["contents"]}


def _apply_for_three(stack: Stack, user: str) -> str:
    """Answers the procedure; the pay link it is given."""
    _environment_department(stack.container)
    stack.sim.follow(user)
    stack.tap(user, "粗大ごみ収集の申込")
    stack.sim.send_text(user, "たんす、机、いす")
    stack.sim.send_text(user, "3")
    stack.tap(user, "はい")
    assert "粗大ごみ処理手数料: 400円 × 3点 = 1,200円" in stack.texts(user)[-2]
    pay = _buttons(stack.last(user))["支払う（1,200円）"]
    assert pay["type"] == "uri" and "/payments/fees/" in pay["uri"]
    return str(pay["uri"])


def _pay(pay_url: str, action: str = "pay") -> requests.Response:
    with requests.Session() as browser:
        page = browser.get(pay_url, timeout=10)  # → 303 to the provider's page
        assert page.status_code == 200 and "開発・デモ用" in page.text and "1,200円" in page.text
        return browser.post(page.url, data={"action": action}, timeout=10)  # → back to us


def _inbox(client: FlaskClient) -> str:
    return client.get("/staff/cases/").get_data(as_text=True)


def _alerts(container: Container) -> list[str]:
    """Where the department alerts went (the outbox's e-mail rows)."""
    with container.engine().connect() as connection:
        return list(connection.execute(text(
            "SELECT recipient FROM outbox WHERE channel = 'email'")).scalars())


def test_a_fee_per_item_is_paid_before_the_case_opens_with_its_payment(
        bulky: Container, stack: Stack, client: FlaskClient) -> None:
    user = stack.resident()
    pay_url = _apply_for_three(stack, user)

    sign_in(client, "kankyo")  # nothing is in the inbox before it is paid
    assert stack.count("cases") == 0 and "粗大ごみ" not in _inbox(client)
    assert stack.count("fee_payments") == 1 and _alerts(bulky) == []

    back = _pay(pay_url)

    assert back.status_code == 200 and "お支払いを確認しました" in back.text
    told = stack.said(user)
    number = re.search(r"受付番号 (\d{4}-\d{6})", told).group(1)  # type: ignore[union-attr]
    assert "1,200円 のお支払いを確認し" in told
    inbox = _inbox(client)
    assert number in inbox and "粗大ごみ収集の申込" in inbox
    case_id = re.search(r'href="/staff/cases/([^"?/]+)"', inbox).group(1)  # type: ignore[union-attr]
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "たんす、机、いす" in page and "環境課" in page
    assert "400円 × 3点 = 1,200円" in page and "支払済み" in page and "返金する" in page
    assert "開発用テスト決済" in page and ">fake<" not in page  # the provider by its name
    with bulky.uow() as uow:
        fee = uow.fee_payments.of_case(case_id)
        assert fee is not None and fee.payment_state is PaymentState.PAID
        assert fee.payment_provider == "fake" and fee.payment_id and fee.paid_at
        assert fee.answers == {}  # the case holds them now
    assert stack.count("cases") == 1
    assert _alerts(bulky) == ["kankyo@town.example"]  # alerted like any new case

    again = requests.get(back.url, timeout=10)  # the return page reloaded: nothing twice
    assert again.status_code == 200 and "すでに済んでいます" in again.text
    settled = settle_payment(str(fee.payment_reference), uow=bulky.uow(),
                             gateway=bulky.payment_gateway(), clock=bulky.clock())
    assert settled.outcome.value == "already_paid"
    assert stack.count("cases") == 1
    assert sum("お支払いを確認し" in t for t in stack.texts(user)) == 1


def test_staff_refund_a_case_fee_once_from_the_case_page(
        bulky: Container, stack: Stack, client: FlaskClient) -> None:
    user = stack.resident()
    _pay(_apply_for_three(stack, user))
    sign_in(client, "kankyo")
    case_id = re.search(r'href="/staff/cases/([^"?/]+)"',  # type: ignore[union-attr]
                        _inbox(client)).group(1)

    confirm = client.get(f"/staff/cases/{case_id}/refund").get_data(as_text=True)
    assert "全額返金します" in confirm and "1,200円" in confirm
    headers = {"X-CSRF-Token": token(client)}
    done = client.post(f"/staff/cases/{case_id}/refund", headers=headers)
    assert done.status_code == 302
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "手数料を返金しました" in page and "返金済み" in page

    twice = client.post(f"/staff/cases/{case_id}/refund", headers=headers,
                        follow_redirects=True).get_data(as_text=True)

    assert "すでに返金しています" in twice
    assert sum("全額返金しました" in t for t in stack.texts(user)) == 1
    with bulky.uow() as uow:
        fee = uow.fee_payments.of_case(case_id)
        assert fee is not None and fee.payment_state is PaymentState.REFUNDED
        assert fee.refund_reference == f"{fee.id}-refund" and fee.refunded_by
        found = [r.target_id for r in uow.audit.search(AuditQuery(action="case.fee_refund"))]
    assert found == [case_id]


def test_an_expired_attempt_is_told_with_a_button_and_paying_again_opens_the_case(
        bulky: Container, stack: Stack) -> None:
    user = stack.resident()
    pay_url = _apply_for_three(stack, user)
    with requests.Session() as browser:  # the resident opens the provider's page and leaves
        assert browser.get(pay_url, timeout=10).status_code == 200

    counts = expire_payments(uow_factory=bulky.uow, gateway=bulky.payment_gateway(),
                             clock=bulky.clock(), ttl=dt.timedelta(0))

    assert counts["lapsed"] == 1 and stack.count("cases") == 0
    notice = stack.last(user)
    assert "期限が切れました" in json.dumps(notice, ensure_ascii=False)
    again = _buttons(notice)["支払う（1,200円）"]["uri"]
    assert "お支払いを確認しました" in _pay(again).text
    assert stack.count("cases") == 1
    assert re.search(r"受付番号 \d{4}-\d{6}", stack.said(user))


def test_a_cancelled_payment_opens_no_case(bulky: Container, stack: Stack) -> None:
    user = stack.resident()

    back = _pay(_apply_for_three(stack, user), action="cancel")

    assert "完了しませんでした" in back.text and stack.count("cases") == 0
    assert "取り消されました" in json.dumps(stack.last(user), ensure_ascii=False)


def test_a_fee_never_paid_is_dropped_with_its_answers(bulky: Container, stack: Stack) -> None:
    user = stack.resident()
    _apply_for_three(stack, user)
    with bulky.uow() as uow:
        [conversation_id] = [f.conversation_id for f in uow.fee_payments.unpaid_before(
            created_before=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))]

    class Later:
        @staticmethod
        def now() -> dt.datetime:
            return dt.datetime.now(dt.UTC) + dt.timedelta(days=4)

    assert drop_unpaid_fees(uow_factory=bulky.uow, clock=Later()) == 1  # type: ignore[arg-type]

    assert stack.count("fee_payments") == 0 and stack.count("cases") == 0
    with bulky.uow() as uow:
        conversation = uow.conversations.get(str(conversation_id))
        found = list(uow.audit.search(AuditQuery(action="case.fee_drop")))
    assert conversation is not None and conversation.answers == {}
    assert len(found) == 1
