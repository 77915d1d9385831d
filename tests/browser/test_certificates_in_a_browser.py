"""The certificate queue in a real browser: a paid request is opened, its slip linked, then
issued and mailed with a tracking number through the forms."""

from __future__ import annotations

import datetime as dt

import pytest

from application.access.actor import SYSTEM
from application.payments.paying import Payables, settle_payment, start_payment
from demo.seeding_town import SeedDemoTown, seed_demo_town
from domain.certificates import CertificateKind, CertificateRequest, IssueState
from domain.residents import Verification
from domain.staff import Role
from domain.values import Money
from entrypoints.containers import Container
from tests.e2e.staff_support import PASSWORD, make_staff

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]


def _paid_request(container: Container) -> str:
    seed_demo_town(SeedDemoTown(actor=SYSTEM, households=2), uow_factory=container.uow,
                   ids=container.ids(), clock=container.clock(),
                   hasher=container.password_hasher(), keyer=container.match_keyer(),
                   policy=container.contact_policy())
    now = container.clock().now()
    with container.uow() as uow:
        person = uow.queries.residents.first_residents(1)[0]
        person.verify(person.facts, Verification(subject="s", provider="dev_card",
                                                 assurance="test", verified_at=now))
        uow.certificate_requests.add(CertificateRequest(
            id="01JCERTBROWSER000000000001", requester_id=person.id, subject_id=person.id,
            kind=CertificateKind.RESIDENT_RECORD, copies=2, purpose="年金・保険",
            fee_per_copy=Money(300), postage=Money(110), items={"続柄"},
            requested_at=now - dt.timedelta(minutes=5)))
        uow.commit()
    links = container.pay_links().links()
    gateway = container.payment_gateway()
    start_payment(Payables.CERTIFICATES, "01JCERTBROWSER000000000001", uow=container.uow(),
                  gateway=gateway, clock=container.clock(), links=links)
    with container.uow() as uow:
        request = uow.certificate_requests.get("01JCERTBROWSER000000000001")
    gateway.pay(request.payment_provider_id)
    settle_payment(str(request.payment_reference), uow=container.uow(), gateway=gateway,
                   clock=container.clock())
    return person.facts.name.name


def test_staff_open_a_paid_request_then_issue_and_mail_it(
        page, served: str, container: Container) -> None:  # type: ignore[no-untyped-def]
    name = _paid_request(container)
    make_staff(container, "kacho", Role.APPROVER, name="課長 花子")

    page.goto(f"{served}/staff/")
    page.get_by_label("ログインID").fill("kacho")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("link", name="証明書").click()
    assert "710円" in page.inner_text("table")
    page.get_by_role("link", name="00000001").click()

    assert name in page.inner_text("main")
    assert page.get_by_role("link", name="交付請求書を印刷（PDF）").is_visible()
    assert page.get_by_role("button", name="交付不可にして返金する").is_visible()
    page.get_by_role("button", name="交付済みにする").click()
    assert "交付済みにしました" in page.get_by_role("status").first.inner_text()
    page.get_by_label("追跡番号（任意）").fill("1234-5678")
    page.get_by_role("button", name="郵送済みにする").click()
    assert "郵送済みにしました" in page.get_by_role("status").first.inner_text()
    assert "1234-5678" in page.inner_text("main")
    with container.uow() as uow:
        assert uow.certificate_requests.get(
            "01JCERTBROWSER000000000001").issue_state is IssueState.MAILED
