"""Certificate requests end to end: a verified resident asks for two copies of 住民票 in LINE
(the simulator, the real SDK), pays on the fake provider's page, staff issue and mail through
the API, and the resident is told at each step."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests

from application.ports.audit import AuditQuery
from domain.certificates import IssueState, PaymentState
from tests.e2e.conftest import Stack
from tests.e2e.test_registration import _card_form, _post, _registry_person, _seed, _verify_url

pytestmark = pytest.mark.e2e


def _verified_resident(stack: Stack) -> tuple[str, Any]:
    _seed(stack.container)
    person = _registry_person(stack.container)
    user = stack.resident()
    url = _verify_url(stack, user)
    status, _body = _post(url.split("?")[0], _card_form(url, person.facts))
    assert status == 200 and "本人確認が完了しました" in stack.texts(user)[-1]
    return user, person


def _card_buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assert message["type"] == "flex", json.dumps(message, ensure_ascii=False)
    return {b["action"]["label"]: b["action"] for b in message["contents"]["footer"]["contents"]}


def _ask_for_two_resident_records(stack: Stack, user: str) -> dict[str, dict[str, Any]]:
    stack.sim.send_text(user, "証明書の請求")
    stack.tap(user, "住民票の写し")
    stack.tap(user, "世帯全員・続柄あり")  # the household's own: not asked whose it is
    stack.sim.send_text(user, "2")
    stack.tap(user, "年金・保険")
    return _card_buttons(stack.last(user))


def _pay_on_the_fake_page(pay_url: str, action: str = "pay") -> requests.Response:
    with requests.Session() as browser:
        page = browser.get(pay_url, timeout=10)  # → 303 to the provider's page
        assert page.status_code == 200 and "開発・デモ用" in page.text and "710円" in page.text
        return browser.post(page.url, data={"action": action}, timeout=10)  # → back to us


def test_a_resident_pays_for_two_copies_and_staff_issue_and_mail_them(
    stack: Stack, api_key: Any,
) -> None:
    user, person = _verified_resident(stack)

    buttons = _ask_for_two_resident_records(stack, user)
    summary = stack.texts(user)[-2]
    assert "住民票の写し（世帯全員、続柄）" in summary and "通数: 2通" in summary
    assert "300円 × 2通 = 600円" in summary and "郵送料: 110円" in summary
    assert "合計: 710円" in summary
    pay = buttons["支払う（710円）"]
    assert pay["type"] == "uri"

    back = _pay_on_the_fake_page(pay["uri"])
    assert back.status_code == 200 and "お支払いを確認しました" in back.text
    assert "お支払いを確認しました" in stack.said(user)
    again = requests.get(back.url, timeout=10)  # the return page reloaded: nothing twice
    assert again.status_code == 200 and "すでに済んでいます" in again.text
    assert sum("お支払いを確認しました" in t for t in stack.texts(user)) == 1

    client = __import__("entrypoints.web", fromlist=["create_app"]).create_app(
        stack.container).test_client()
    worker = api_key("case_worker")
    [queued] = client.get("/api/v1/certificate-requests",
                          headers=worker).json["certificate_requests"]
    assert (queued["kind"], queued["copies"], queued["total"]) == ("resident_record", 2, 710)
    assert queued["payment_state"] == "paid" and queued["payment_provider"] == "fake"
    detail = client.get(f"/api/v1/certificate-requests/{queued['id']}", headers=worker).json
    assert detail["requester"]["facts"]["name"] == person.facts.name.name
    assert detail["requester"]["verified"] and detail["for_self"]
    slip = client.get(f"/api/v1/certificate-requests/{queued['id']}/slip.pdf", headers=worker)
    assert slip.status_code == 200 and slip.data.startswith(b"%PDF")
    assert slip.headers["Content-Type"] == "application/pdf"

    issued = client.post(f"/api/v1/certificate-requests/{queued['id']}/issue", headers=worker)
    assert issued.json["issue_state"] == "issued"
    assert "交付しました" in stack.texts(user)[-1]
    mailed = client.post(f"/api/v1/certificate-requests/{queued['id']}/mail",
                         json={"tracking_number": "1234-5678-9012"}, headers=worker)
    assert mailed.json["issue_state"] == "mailed"
    assert "郵送しました" in stack.texts(user)[-1]
    assert "追跡番号: 1234-5678-9012" in stack.texts(user)[-1]
    assert client.get("/api/v1/certificate-requests",
                      headers=worker).json["certificate_requests"] == []


def test_a_cancelled_payment_leaves_the_request_unpaid_and_the_resident_can_pay_again(
    stack: Stack,
) -> None:
    user, _person = _verified_resident(stack)
    pay_url = _ask_for_two_resident_records(stack, user)["支払う（710円）"]["uri"]

    back = _pay_on_the_fake_page(pay_url, action="cancel")

    assert "完了しませんでした" in back.text
    notice = stack.last(user)
    assert "取り消されました" in notice["altText"] or "取り消されました" in json.dumps(
        notice, ensure_ascii=False)
    with stack.container.uow() as uow:  # nothing paid: nothing for staff
        assert list(uow.queries.certificates.queue(states=list(IssueState))) == []
    again = _pay_on_the_fake_page(_card_buttons(notice)["支払う（710円）"]["uri"])
    assert "お支払いを確認しました" in again.text


def test_staff_reject_a_paid_request_and_the_fee_is_refunded(stack: Stack, api_key: Any) -> None:
    user, _person = _verified_resident(stack)
    _pay_on_the_fake_page(_ask_for_two_resident_records(stack, user)["支払う（710円）"]["uri"])
    client = __import__("entrypoints.web", fromlist=["create_app"]).create_app(
        stack.container).test_client()
    [queued] = client.get("/api/v1/certificate-requests",
                          headers=api_key("case_worker")).json["certificate_requests"]

    as_worker = client.post(f"/api/v1/certificate-requests/{queued['id']}/reject",
                            json={"reason": "住民票の記載を確認できないため"},
                            headers=api_key("case_worker"))
    rejected = client.post(f"/api/v1/certificate-requests/{queued['id']}/reject",
                           json={"reason": "住民票の記載を確認できないため"},
                           headers=api_key("approver"))
    twice = client.post(f"/api/v1/certificate-requests/{queued['id']}/reject",
                        json={"reason": "もう一度"}, headers=api_key("approver"))

    assert as_worker.status_code == 403
    assert rejected.status_code == 200, rejected.json
    assert rejected.json["payment_state"] == "refunded"
    assert twice.status_code == 409
    assert "交付できませんでした" in stack.texts(user)[-1]
    assert "710円" in stack.texts(user)[-1] and "返金" in stack.texts(user)[-1]
    with stack.container.uow() as uow:
        request = uow.certificate_requests.get(queued["id"])
        assert request.payment_state is PaymentState.REFUNDED
        assert request.issue_state is IssueState.REJECTED


def test_a_resident_who_has_not_verified_is_sent_to_verify_first(stack: Stack) -> None:
    user = stack.resident()
    stack.sim.follow(user)

    stack.sim.send_text(user, "証明書の請求")

    assert "本人確認が必要です" in stack.texts(user)[-1]
    stack.tap(user, "本人確認")  # the button starts the verification
    assert stack.last(user)["type"] == "flex"
    assert stack.count("certificate_requests") == 0


@pytest.mark.parametrize("provider", ["paypay", "linepay"])
def test_the_fee_is_paid_through_a_real_adapter_and_read_back_from_the_provider(
    stack: Stack, provider: str,
) -> None:
    from adapters.payments.linepay import LinePayGateway
    from adapters.payments.paypay import PayPayGateway
    from tests.support.linepay_server import running_linepay
    from tests.support.paypay_server import running_paypay

    user, _person = _verified_resident(stack)
    running = running_paypay() if provider == "paypay" else running_linepay()
    with running as server:
        if provider == "paypay":
            gateway: Any = PayPayGateway(api_key=server.api_key, api_secret=server.api_secret,
                                         merchant_id=server.merchant_id,
                                         base_url=server.base_url)
        else:
            gateway = LinePayGateway(channel_id=server.channel_id,
                                     channel_secret=server.channel_secret,
                                     base_url=server.base_url)
        stack.container.payment_gateway.override(gateway)
        try:
            pay_url = _ask_for_two_resident_records(stack, user)["支払う（710円）"]["uri"]
            with requests.Session() as browser:
                page = browser.get(pay_url, timeout=10)
                assert page.url.startswith(server.base_url)  # sent on to the provider
                back = browser.post(page.url, timeout=10)  # pays; sent back to the town
        finally:
            stack.container.payment_gateway.reset_override()

    assert back.url.startswith(f"{stack.app_url}/payments/return/")
    assert "お支払いを確認しました" in back.text
    assert "お支払いを確認しました" in stack.said(user)
    assert server.refused == []
    with stack.container.uow() as uow:
        [request] = uow.queries.certificates.queue(states=[IssueState.WAITING])
        assert request.payment_provider == provider and request.payment_id


def test_open_payments_are_expired_from_the_command_line(tmp_path: Any) -> None:
    from tests.e2e.test_cli import _run

    assert _run(tmp_path, "db", "upgrade").returncode == 0
    result = _run(tmp_path, "certificates", "expire-payments", "--minutes", "30")
    assert result.returncode == 0, result.stderr
    assert "paid 0, lapsed 0" in result.stdout


def test_staff_work_the_queue_on_the_staff_pages_and_each_look_is_audited(
    stack: Stack,
) -> None:
    from domain.staff import Role
    from entrypoints.web import create_app
    from tests.e2e.staff_support import make_staff, sign_in, token

    user, person = _verified_resident(stack)
    _pay_on_the_fake_page(_ask_for_two_resident_records(stack, user)["支払う（710円）"]["uri"])
    make_staff(stack.container, "madoguchi1", Role.CASE_WORKER)
    make_staff(stack.container, "kacho1", Role.APPROVER)
    client = create_app(stack.container).test_client()
    sign_in(client, "madoguchi1")

    listing = client.get("/staff/certificates/").get_data(as_text=True)
    with stack.container.uow() as uow:
        [request] = uow.queries.certificates.queue(states=[IssueState.WAITING])
    assert "住民票の写し" in listing and "710円" in listing
    page = client.get(f"/staff/certificates/{request.id}")
    assert page.status_code == 200 and person.facts.name.name in page.get_data(as_text=True)
    assert "交付不可にして返金する" not in page.get_data(as_text=True)  # approvers only
    slip = client.get(f"/staff/certificates/{request.id}/slip.pdf")
    assert slip.status_code == 200 and slip.data.startswith(b"%PDF")

    no_token = client.post(f"/staff/certificates/{request.id}/issue")
    assert no_token.status_code == 400
    issued = client.post(f"/staff/certificates/{request.id}/issue",
                         data={"csrf_token": token(client)}, follow_redirects=True)
    assert "交付済みにしました" in issued.get_data(as_text=True)
    assert "交付しました" in stack.texts(user)[-1]
    mailed = client.post(f"/staff/certificates/{request.id}/mail",
                         data={"csrf_token": token(client), "tracking_number": "A-1"},
                         follow_redirects=True)
    assert "郵送済みにしました" in mailed.get_data(as_text=True)
    assert "追跡番号: A-1" in stack.texts(user)[-1]
    again = client.post(f"/staff/certificates/{request.id}/mail",
                        data={"csrf_token": token(client)}, follow_redirects=True)
    assert "現在の状態では処理できません" in again.get_data(as_text=True)

    with stack.container.uow() as uow:
        actions = [r.action for r in uow.audit.search(AuditQuery(target_id=request.id))]
    assert {"certificate_request.view", "certificate_request.print",
            "certificate_request.issue", "certificate_request.mail"} <= set(actions)


def test_an_approver_rejects_on_the_staff_page_and_a_missing_reason_changes_nothing(
    stack: Stack,
) -> None:
    from domain.staff import Role
    from entrypoints.web import create_app
    from tests.e2e.staff_support import make_staff, sign_in, token

    user, _person = _verified_resident(stack)
    _pay_on_the_fake_page(_ask_for_two_resident_records(stack, user)["支払う（710円）"]["uri"])
    make_staff(stack.container, "kacho1", Role.APPROVER)
    client = create_app(stack.container).test_client()
    sign_in(client, "kacho1")
    with stack.container.uow() as uow:
        [request] = uow.queries.certificates.queue(states=[IssueState.WAITING])

    blank = client.post(f"/staff/certificates/{request.id}/reject",
                        data={"csrf_token": token(client), "reason": " "},
                        follow_redirects=True)
    assert "理由を入力してください" in blank.get_data(as_text=True)
    done = client.post(f"/staff/certificates/{request.id}/reject",
                       data={"csrf_token": token(client), "reason": "請求者の確認がとれないため"},
                       follow_redirects=True)

    assert "交付不可にしました" in done.get_data(as_text=True)
    assert "請求者の確認がとれないため" in stack.texts(user)[-1]
    with stack.container.uow() as uow:
        assert uow.certificate_requests.get(request.id).payment_state is PaymentState.REFUNDED


def test_the_pages_of_a_paid_request_name_the_card_and_the_payment_service_not_their_keys(
    stack: Stack,
) -> None:
    from domain.staff import Role
    from entrypoints.web import create_app
    from tests.e2e.staff_support import make_staff, sign_in
    from tests.support.raw_keys import assert_no_raw_keys

    user, person = _verified_resident(stack)
    pay_url = _ask_for_two_resident_records(stack, user)["支払う（710円）"]["uri"]
    with requests.Session() as browser:
        provider_page = browser.get(pay_url, timeout=10).url
        browser.post(provider_page, data={"action": "pay"}, timeout=10)
        paid_page = browser.get(provider_page, timeout=10).text  # the resident opens it again
    make_staff(stack.container, "madoguchi1", Role.CASE_WORKER)
    client = create_app(stack.container).test_client()
    sign_in(client, "madoguchi1")
    with stack.container.uow() as uow:
        [request] = uow.queries.certificates.queue(states=[IssueState.WAITING])
    detail = client.get(f"/staff/certificates/{request.id}").get_data(as_text=True)
    resident = client.get(f"/staff/residents/{person.id}").get_data(as_text=True)

    for where, page in (("the pay page", paid_page), ("the request", detail),
                        ("the resident", resident)):
        assert_no_raw_keys(page, where=where)
    assert "お支払い済み" in paid_page
    assert "開発用テスト決済" in detail and "開発用テストカード" in detail
    assert "開発用テストカード" in resident and "<td>LINE</td>" in resident
    code = person.facts.address.postal_code
    assert f"〒{code[:3]}-{code[3:]}" in detail and f"〒{code} " not in detail
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}", detail)  # the house format
    assert not re.search(r"\d{4}/\d{2}/\d{2}|月0\d日| 0\d:\d{2}", detail + resident)


CERTIFICATE_RULES = {  # ADR 0017: a change here is a decision
    "api_certificates.list_certificate_requests": "handle_applications",
    "api_certificates.get_certificate_request": "view_residents",
    "api_certificates.certificate_request_slip": "view_residents",
    "api_certificates.issue_certificate_request": "handle_applications",
    "api_certificates.mail_certificate_request": "handle_applications",
    "api_certificates.reject_certificate_request": "decide_applications",
    "staff_certificates.index": "handle_applications",
    "staff_certificates.detail": "view_residents",
    "staff_certificates.slip": "view_residents",
    "staff_certificates.issue": "handle_applications",
    "staff_certificates.mail": "handle_applications",
    "staff_certificates.reject": "decide_applications",
    "payments.pay": "public",
    "payments.payment_return": "public",
}


def test_each_certificate_route_keeps_the_permission_it_was_given(app: Any) -> None:
    from entrypoints.web.access import rule_of

    rules = {endpoint: rule_of(app.view_functions[endpoint]) for endpoint in CERTIFICATE_RULES}
    assert {e: getattr(r, "value", r) for e, r in rules.items()} == CERTIFICATE_RULES


def test_a_pay_link_with_a_wrong_token_is_refused_and_changes_nothing(stack: Stack) -> None:
    user, _person = _verified_resident(stack)
    pay_url = _ask_for_two_resident_records(stack, user)["支払う（710円）"]["uri"]
    forged = pay_url[:-4] + ("0000" if not pay_url.endswith("0000") else "1111")

    answer = requests.get(forged, timeout=10, allow_redirects=False)

    assert answer.status_code == 404 and "正しくありません" in answer.text
    assert stack.count("certificate_requests") == 1
    with stack.container.engine().connect() as connection:
        from sqlalchemy import text

        states = connection.execute(text("SELECT payment_state, payment_attempts "
                                         "FROM certificate_requests")).one()
    assert tuple(states) == ("unpaid", 0)


@pytest.mark.parametrize("round_", range(3))
def test_the_return_page_opened_twice_at_once_answers_both_with_the_state(
        stack: Stack, round_: int) -> None:
    import threading

    user, _person = _verified_resident(stack)
    pay = _ask_for_two_resident_records(stack, user)["支払う（710円）"]
    with requests.Session() as browser:
        page = browser.get(pay["uri"], timeout=10)
        paid = browser.post(page.url, data={"action": "pay"}, timeout=10,
                            allow_redirects=False)
    return_url = paid.headers["Location"]
    start = threading.Barrier(2)
    answers: list[requests.Response] = []

    def open_page() -> None:
        start.wait()
        answers.append(requests.get(return_url, timeout=30))

    threads = [threading.Thread(target=open_page) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(a.status_code for a in answers) == [200, 200]
    assert all("お支払いを確認しました" in a.text or "すでに済んでいます" in a.text
               for a in answers), [a.text for a in answers]
    assert sum("お支払いを確認しました" in t for t in stack.texts(user)) == 1
