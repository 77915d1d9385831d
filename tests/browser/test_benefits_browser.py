"""A staff member in a real browser (Playwright driving Debian's chromium) signs in, opens a
program, uploads its eligibility list and watches the import's progress bar finish. Jobs run in
a background thread, as in production."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from application.access.actor import Actor
from application.benefits.changing_program_status import (
    ChangeProgramStatus,
    change_program_status,
)
from application.benefits.creating_program import CreateProgram, create_program
from domain.staff import Role
from entrypoints.containers import Container
from entrypoints.web import create_app
from tests.e2e.staff_support import PASSWORD, make_staff
from tests.e2e.test_staff_benefits import seed_households
from tests.support._serving import serving
from tests.support.raw_keys import RawKeyGuard

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage"]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def town_hall(container: Container) -> Iterator[str]:
    container.config.task_queue.from_value("in_process")
    with serving(create_app(container), "madoguchi-app") as url:
        yield url


def open_program(container: Container) -> str:
    now = container.clock().now()
    operator = Actor.operator("test")
    program_id = create_program(CreateProgram(
        actor=operator, name="物価高騰対策給付金", amount_yen=70_000,
        eligibility_source="住民税非課税世帯", opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30), payout_methods=("bank_transfer",)),
        uow=container.uow(), ids=container.ids(), clock=container.clock())
    change_program_status(ChangeProgramStatus(program_id=program_id, status="open",
                                              actor=operator),
                          uow=container.uow(), clock=container.clock())
    return program_id


def test_staff_upload_a_list_and_watch_the_progress_bar_finish(
        chromium: Any, town_hall: str, container: Container) -> None:
    seed_households(container)
    open_program(container)
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    rows = ["世帯番号", "H0001", "H0002", "H0003"] + [f"X{n:05d}" for n in range(2500)]
    context = chromium.new_context(locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    guard = RawKeyGuard().watch(page)  # every page it opens is read for raw keys
    try:
        page.goto(f"{town_hall}/staff/login")
        page.fill("input[name=login_id]", "kanri")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{town_hall}/staff/benefits/")
        page.click("text=物価高騰対策給付金")
        page.check("input[name=mode][value=valid_rows]")
        page.set_input_files("#f-file", files=[{
            "name": "list.csv", "mimeType": "text/csv",
            "buffer": "\r\n".join(rows).encode("cp932")}])
        page.click("button:has-text('取り込む')")

        page.wait_for_selector(".job-progress.job-progress--done")
        assert page.get_attribute("[role=progressbar]", "aria-valuenow") == "100"
        summary = page.wait_for_selector(".report__summary")
        assert "3世帯を対象に加えました" in summary.inner_text()
        assert "不明な番号2500件" in summary.inner_text()
        guard.snapshot(page)
        guard.check()
    finally:
        context.close()
