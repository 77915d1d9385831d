"""Running a program from the staff pages over the test client: the deadline (23:59 of the last
day unless staff pick a time), 取り下げ through a confirmation with a reason, reminders previewed
and scheduled, forms that keep what was typed, and no raw keys on the pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient

from domain.benefits import ProgramStatus
from domain.staff import Role
from domain.values import JST
from entrypoints.containers import Container
from entrypoints.jobs import SEND_CAMPAIGN
from tests.e2e.staff_support import make_staff, sign_in, token
from tests.e2e.test_staff_benefits import (
    BASE,
    NotDelivered,
    actions,
    create_program,
    open_program,
    seed_households,
    upload,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def admin(client: FlaskClient, container: Container) -> Iterator[FlaskClient]:
    container.outbox_notifier.override(providers.Object(NotDelivered()))
    seed_households(container)
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    yield client
    container.outbox_notifier.reset_override()

RAW_KEYS = re.compile(r"\b(already_notified|eligible|postal|sent|households_updated|written|"
                      r"to_notify|considered|False|True|None)\b")


def _visible(html: str) -> str:
    """The text a person reads: no tags, attributes, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _program(container: Container, program_id: str):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return uow.programs.get(program_id)


def _created(admin: FlaskClient, **form: str):  # type: ignore[no-untyped-def]
    return admin.post(f"{BASE}/", data={
        "csrf_token": token(admin), "name": "子育て応援給付金", "amount": "50000",
        "eligibility_source": "児童手当受給世帯", "opens_at": "2026-12-01T09:00",
        "payout_methods": ["bank_transfer"], **form})


def test_a_deadline_without_a_time_is_23_59_of_the_last_day_in_japan(
        admin: FlaskClient, container: Container) -> None:
    response = _created(admin, closes_on="2027-01-31")

    assert response.status_code == 302
    closes = _program(container, response.location.rsplit("/", 1)[-1]).window.closes_at
    assert closes.astimezone(JST).strftime("%Y-%m-%d %H:%M") == "2027-01-31 23:59"


def test_a_deadline_at_the_time_staff_picked(admin: FlaskClient, container: Container) -> None:
    response = _created(admin, closes_on="2027-01-31", closes_time="17:00")

    closes = _program(container, response.location.rsplit("/", 1)[-1]).window.closes_at
    assert closes == dt.datetime(2027, 1, 31, 17, 0, tzinfo=JST)


def test_a_wrong_date_is_answered_on_the_form_with_what_was_typed(
        admin: FlaskClient, container: Container) -> None:
    response = _created(admin, closes_on="2027-02-30", notice_text="本文はそのまま")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "申請の締切日を日付で入力してください。" in html
    assert 'value="子育て応援給付金"' in html and "本文はそのまま" in html
    assert 'value="2027-02-30"' in html
    with container.uow() as uow:
        assert list(uow.queries.benefits.programs()) == []


def test_withdrawing_is_a_confirmation_with_a_reason_never_one_click(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    page = admin.get(f"{BASE}/programs/{program_id}").get_data(as_text=True)
    assert 'value="withdrawn"' not in page  # no button that withdraws at once
    one_click = admin.post(f"{BASE}/programs/{program_id}/status",
                           data={"csrf_token": token(admin), "status": "withdrawn"},
                           follow_redirects=True)
    assert "理由を添えて" in one_click.get_data(as_text=True)
    assert _program(container, program_id).status is ProgramStatus.OPEN

    confirmation = admin.get(f"{BASE}/programs/{program_id}/withdrawal")
    assert confirmation.status_code == 200 and 'name="reason"' in confirmation.get_data(
        as_text=True)
    refused = admin.post(f"{BASE}/programs/{program_id}/withdrawal",
                         data={"csrf_token": token(admin), "reason": "  "})
    assert refused.status_code == 422
    assert "取り下げの理由を入力してください。" in refused.get_data(as_text=True)
    assert _program(container, program_id).status is ProgramStatus.OPEN

    done = admin.post(f"{BASE}/programs/{program_id}/withdrawal",
                      data={"csrf_token": token(admin), "reason": "国の予算が成立しなかったため"})

    assert done.status_code == 302  # post/redirect/get: a reload does not post again
    assert _program(container, program_id).status is ProgramStatus.WITHDRAWN
    shown = admin.get(done.location).get_data(as_text=True)
    assert "国の予算が成立しなかったため" in shown
    assert actions(container, action="program.withdraw") == ["program.withdraw"]


def test_a_reminder_is_previewed_then_scheduled_and_listed(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    upload(admin, program_id, "世帯番号\nH0001\nH0002\nH0003\n")
    admin.post(f"{BASE}/programs/{program_id}/campaigns", data={"csrf_token": token(admin)})
    container.job_queue().join()

    preview = admin.get(f"{BASE}/programs/{program_id}/reminders/preview?days_before=3")
    html = preview.get_data(as_text=True)
    assert re.search(r'data-preview="unanswered">2<', html)
    assert "申請期限のお知らせ" in html and 'data-preview="button">申請する<' in html

    wrong = admin.post(f"{BASE}/programs/{program_id}/reminders",
                       data={"csrf_token": token(admin), "days_before": "九十"})
    assert wrong.status_code == 422 and "1〜60" in wrong.get_data(as_text=True)
    scheduled = admin.post(f"{BASE}/programs/{program_id}/reminders",
                           data={"csrf_token": token(admin), "days_before": "3"})

    assert scheduled.status_code == 302
    page = admin.get(f"{BASE}/programs/{program_id}").get_data(as_text=True)
    assert 'data-reminder="3"' in page and "予約済み" in page
    assert actions(container, action="reminder.schedule") == ["reminder.schedule"]


def test_the_program_preview_import_and_campaign_report_pages_show_no_raw_keys(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    imported = upload(admin, program_id, "世帯番号\nH0001\nH0002\nH0003\nH9999\n")
    preview = admin.get(f"{BASE}/programs/{program_id}/campaigns/preview")
    admin.post(f"{BASE}/programs/{program_id}/campaigns", data={"csrf_token": token(admin)})
    container.job_queue().join()
    with container.uow() as uow:
        [campaign] = uow.queries.benefits.campaigns(program_id)
        job = uow.jobs.get(campaign.job_id)
    assert job.name == SEND_CAMPAIGN
    report = admin.get(f"/staff/jobs/{job.id}/report").get_data(as_text=True)
    assert "通知を送った世帯" in report and "確認した世帯" in report

    pages = {"import": imported.get_data(as_text=True),
             "preview": preview.get_data(as_text=True), "report": report,
             "program": admin.get(f"{BASE}/programs/{program_id}").get_data(as_text=True),
             "import report": admin.get(
                 f"/staff/jobs/{imported.request.path.rsplit('/', 1)[-1]}/report"
             ).get_data(as_text=True)}
    for name, html in pages.items():
        assert not RAW_KEYS.search(_visible(html)), (name, RAW_KEYS.search(_visible(html)))


def test_the_api_withdraws_a_program_only_with_a_reason(client: FlaskClient,
                                                         api_key: Any) -> None:
    admin = api_key("administrator")
    program_id = client.post("/api/v1/programs", headers=admin, json={
        "name": "子育て応援給付金", "amount_per_household": 50000,
        "eligibility_source": "児童手当受給世帯", "opens_at": "2026-07-01T09:00:00+09:00",
        "closes_at": "2026-09-30T17:00:00+09:00", "payout_methods": ["bank_transfer"],
    }).json["id"]

    refused = client.post(f"/api/v1/programs/{program_id}/status", headers=admin,
                          json={"status": "withdrawn"})
    done = client.post(f"/api/v1/programs/{program_id}/status", headers=admin,
                       json={"status": "withdrawn", "reason": "予算が成立しなかったため"})

    assert refused.status_code == 422 and "取り下げの理由" in refused.json["error"]["message"]
    assert done.json == {"id": program_id, "status": "withdrawn"}
    read = client.get(f"/api/v1/programs/{program_id}", headers=admin).json
    assert read["status"] == "withdrawn"


def test_a_refused_list_s_report_page_names_the_unknown_numbers_too(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)

    report = upload(admin, program_id, "世帯番号\nH0001\nH9999\n!!\n", mode="all_or_nothing")

    html = report.get_data(as_text=True)
    assert "何も取り込んでいません" in html and "住民基本台帳にない番号も1件" in html
    errors, unknown = html.split('data-report="errors"')[1].split('data-report="unknown"')
    assert '<td class="num">4</td>' in errors  # "!!"
    assert re.search(r'<td class="num">3</td><td>3行目「世帯番号」: 住民基本台帳にない', unknown)
    with container.uow() as uow:
        assert uow.queries.benefits.eligible_count(program_id) == 0
