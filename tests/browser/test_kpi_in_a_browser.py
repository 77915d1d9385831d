"""報告・KPI in a real browser at 1280 px: twelve months of charts and tables fit without the
page scrolling sideways (a wide table scrolls inside its box)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from adapters.persistence.orm import metadata
from domain.staff import Role
from domain.values import JST
from entrypoints.containers import Container
from tests.browser.test_staff_in_a_browser import _sign_in
from tests.e2e.staff_support import make_staff
from tests.support import kpi_town as rows

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]


def test_the_kpi_page_fits_a_1280_pixel_window(
        page, served: str, container: Container) -> None:  # type: ignore[no-untyped-def]
    make_staff(container, "boss", Role.ADMINISTRATOR, name="管理 一郎")
    now = container.clock().now()
    moments = [now - dt.timedelta(days=9 * n + 1) for n in range(40)]
    with container.engine().begin() as connection:
        connection.execute(insert(metadata.tables["channel_identities"]), [
            rows.identity(n, created_at=moment) for n, moment in enumerate(moments)])
        connection.execute(insert(metadata.tables["cases"]), [
            rows.case(n, identity_id=f"i{n:09d}", procedure_id=("report", "contact")[n % 2],
                      created_at=moment) for n, moment in enumerate(moments)])
        connection.execute(insert(metadata.tables["survey_answers"]), [
            rows.survey_answer(n, answered_at=moment.astimezone(JST), score=1 + n % 5)
            for n, moment in enumerate(moments)])

    _sign_in(page, served)
    page.goto(f"{served}/staff/kpi")
    page.wait_for_selector("[data-series='applications']")

    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    assert page.locator("svg.chart").count() >= 7
    assert "40" in page.inner_text("[data-series='friends'] tbody tr:last-child")
