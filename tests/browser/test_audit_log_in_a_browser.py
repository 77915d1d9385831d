"""The audit log in a real browser at 1280 px: long details, ids and addresses wrap inside the
table; nothing makes the page scroll sideways."""

from __future__ import annotations

import pytest

from application.access.actor import Actor
from application.audit.recording import record
from domain.staff import Role
from entrypoints.containers import Container
from tests.browser.test_staff_in_a_browser import _sign_in
from tests.e2e.staff_support import make_staff

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]


def test_the_audit_log_fits_a_1280_pixel_window(
        page, served: str, container: Container) -> None:  # type: ignore[no-untyped-def]
    make_staff(container, "boss", Role.ADMINISTRATOR, name="管理 一郎")
    api = Actor(id="api:" + "k" * 26, role=Role.APPROVER,
                label="api:kikan-renkei-" + "x" * 44, ip="2001:0db8:85a3:0000:0000:8a2e:0370:7334")
    with container.uow() as uow:
        for n in range(60):
            record(uow, api, "disbursement.failed", "disbursement", "d" * 64,
                   at=container.clock().now(), note="https://bank.example/" + "r" * 150,
                   batch_id="b" * 32, count=n)
        uow.commit()

    _sign_in(page, served)
    page.goto(f"{served}/staff/audit?action=disbursement.failed")
    page.wait_for_selector("[data-audit] tbody tr")

    assert page.locator("[data-audit] tbody tr").count() == 50
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    table = page.evaluate("() => document.querySelector('[data-audit]').getBoundingClientRect()"
                          ".right")
    assert table <= 1280
    assert "支払不能" in page.inner_text("[data-audit] tbody tr:first-child")
    assert "備考" in page.inner_text("[data-audit] tbody tr:first-child")
    page.get_by_role("link", name="古い記録").first.click()
    page.wait_for_selector("[data-audit] tbody tr")
    assert page.locator("[data-audit] tbody tr").count() == 10
