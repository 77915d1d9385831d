"""A staff member's day in a real browser: sign in, import the registry and watch the progress
bar complete, find a resident, read the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import PASSWORD, make_staff

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]

REGISTRY = Path(__file__).resolve().parents[1] / "fixtures" / "registry" / "registry_utf8.csv"


def _sign_in(page, served: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{served}/staff/")
    page.get_by_label("ログインID").fill("boss")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_selector("h1:has-text('ダッシュボード')")


def test_staff_sign_in_import_with_progress_search_and_dashboard(
        page, served: str, container: Container) -> None:  # type: ignore[no-untyped-def]
    make_staff(container, "boss", Role.ADMINISTRATOR, name="管理 一郎")

    _sign_in(page, served)
    assert page.get_by_text("管理 一郎（管理者）").is_visible()

    page.get_by_role("link", name="住民記録の取り込み").click()
    page.set_input_files("#f-file", str(REGISTRY))
    page.get_by_role("button", name="取り込みを開始").click()
    page.wait_for_url("**/staff/jobs/*")
    page.wait_for_selector("[data-job-report]:not([hidden])")
    assert page.get_attribute("[role=progressbar]", "aria-valuenow") == "100"
    assert "100%" in (page.get_attribute(".progress__bar", "style") or "")
    assert "完了しました" in page.inner_text("[data-job-report]")

    page.get_by_role("link", name="住民検索").click()
    page.get_by_label("氏名（漢字またはカナ）").fill("たかはし いちろう")
    page.get_by_label("生年月日").fill("昭和35年4月1日")
    page.get_by_role("button", name="検索").click()
    page.wait_for_selector("[data-results]")
    page.get_by_role("link", name="髙橋 一郎").click()
    page.wait_for_selector("h1:has-text('髙橋 一郎')")
    assert "1960年4月1日（昭和35年）" in page.inner_text("main")

    page.get_by_role("link", name="ダッシュボード").click()
    assert page.inner_text("[data-figure=satisfaction]").count("未計測") == 1
    assert "7人" in page.inner_text("[data-figure=verified_residents]")
    assert page.locator("svg.chart").count() == 3


def test_a_wrong_password_keeps_the_staff_member_out(page, served: str,
                                                     container: Container) -> None:  # type: ignore[no-untyped-def]
    make_staff(container, "boss", Role.ADMINISTRATOR)

    page.goto(f"{served}/staff/login")
    page.get_by_label("ログインID").fill("boss")
    page.get_by_label("パスワード").fill("not the password")
    page.get_by_role("button", name="ログイン").click()

    assert page.get_by_role("alert").inner_text() == "ログインIDまたはパスワードが違います。"
    page.goto(f"{served}/staff/residents")
    assert "/staff/login" in page.url
