"""Staff benefit pages over the test client: create a program, import its list, preview and send
the notices, enter paper forms, decide in bulk, take the postal list; refusals change nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient

from application.attachments import StoredAttachment
from application.ports.audit import AuditQuery
from application.ports.queries import ApplicationFilter
from domain.benefits import ApplicationStatus
from domain.channels import ChannelIdentity
from domain.residents import VerificationState
from domain.staff import Role
from domain.values import JST
from entrypoints.containers import Container
from tests import builders
from tests.e2e.staff_support import make_staff, sign_in, token

pytestmark = pytest.mark.e2e

BASE = "/staff/benefits"
ON_LINE, BY_POST = ("H0001", "H0002"), ("H0003",)


def seed_households(container: Container) -> None:
    """Households H0001 and H0002 have a verified head on LINE; H0003 is reached by post."""
    now = container.clock().now()
    heads = []
    with container.uow() as uow:
        for n, number in enumerate(ON_LINE + BY_POST, start=1):
            head = builders.resident(id=f"r{n}", resident_number=f"00000000{n}",
                                     household_number=number, name=f"試験 {n}郎",
                                     kana=f"シケン {'イチジロウ'[:n]}")
            uow.residents.add(head)
            uow.households.add(builders.household(id=f"h{n}", household_number=number,
                                                  head_resident_id=head.id))
            if number in ON_LINE:
                head.verification_state = VerificationState.VERIFIED
                heads.append(head.id)
        uow.commit()
    with container.uow() as uow:  # after the residents they point at
        for n, head_id in enumerate(heads, start=1):
            identity = ChannelIdentity.first_seen(id=f"c{n}", channel="line",
                                                  address=f"U{n:032d}", at=now)
            identity.link(head_id)
            uow.channel_identities.add(identity)
        uow.commit()


def create_program(client: FlaskClient, container: Container, name: str = "物価高騰対策給付金",
                   **overrides: object) -> str:
    now = container.clock().now().astimezone(JST)
    form = {"csrf_token": token(client), "name": name, "amount": "70,000",
            "eligibility_source": "住民税非課税世帯",
            "opens_at": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
            "payout_methods": ["bank_transfer", "atm_cash"],
            "notice_text": "{program}として{amount}をお支払いします。", **overrides}
    response = client.post(f"{BASE}/", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location.rsplit("/", 1)[-1]


def open_program(client: FlaskClient, program_id: str) -> None:
    response = client.post(f"{BASE}/programs/{program_id}/status",
                           data={"csrf_token": token(client), "status": "open"})
    assert response.status_code == 302


def upload(client: FlaskClient, program_id: str, csv_text: str, mode: str = "valid_rows"):  # type: ignore[no-untyped-def]
    import io

    return client.post(f"{BASE}/programs/{program_id}/eligibility",
                       data={"csrf_token": token(client), "mode": mode,
                             "file": (io.BytesIO(csv_text.encode("cp932")), "list.csv")},
                       content_type="multipart/form-data", follow_redirects=True)


def paper(client: FlaskClient, program_id: str, household_number: str,  # type: ignore[no-untyped-def]
          received_on: str = ""):
    return client.post(f"{BASE}/programs/{program_id}/paper-applications", data={
        "csrf_token": token(client), "household_number": household_number,
        "payout_method": "bank_transfer", "bank_code": "0001", "branch_code": "001",
        "account_type": "1", "account_number": "1234567", "holder_kana": "シケン タロウ",
        "received_on": received_on})


def actions(container: Container, **query: str) -> list[str]:
    with container.uow() as uow:
        return [record.action for record in uow.audit.search(AuditQuery(**query))]


def applications_of(container: Container, program_id: str) -> dict[str, ApplicationStatus]:
    with container.uow() as uow:
        found = uow.queries.benefits.applications(program_id, ApplicationFilter(limit=100))
        households = uow.households.by_ids([a.household_id for a in found])
        return {households[a.household_id].household_number: a.status for a in found}


class NotDelivered:
    """The outbox is left for the dispatcher: these tests read what was written to it."""

    def wake(self) -> None:
        pass


@pytest.fixture
def admin(client: FlaskClient, container: Container) -> Iterator[FlaskClient]:
    container.outbox_notifier.override(providers.Object(NotDelivered()))
    seed_households(container)
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    yield client
    container.outbox_notifier.reset_override()


def test_staff_create_a_program_import_its_list_preview_and_send_the_notices(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    page = admin.get(f"{BASE}/programs/{program_id}").get_data(as_text=True)
    assert "物価高騰対策給付金" in page and 'data-program-status="draft"' in page
    open_program(admin, program_id)

    report = upload(admin, program_id, "世帯番号\nH0001\nH0002\nH0003\nH9999\n!!\n")
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    assert 'data-report="errors"' in html and 'data-report="unknown"' in html
    job_id = report.request.path.rsplit("/", 1)[-1]
    assert actions(container, target_id=job_id) == ["eligibility.import"]
    assert list((container.config.data_dir() / "uploads").iterdir()) == []  # read, not kept
    errors, unknown = html.split('data-report="errors"')[1].split('data-report="unknown"')
    assert re.search(r'<td class="num">6</td><td>6行目「世帯番号」: 半角英数字', errors)  # "!!"
    assert re.search(r'<td class="num">5</td><td>5行目「世帯番号」: 住民基本台帳にない', unknown)

    page = admin.get(f"{BASE}/programs/{program_id}").get_data(as_text=True)
    assert re.search(r'data-reach="eligible">3<', page)
    assert re.search(r'data-reach="to_notify">2<', page)
    assert re.search(r'data-reach="postal">1<', page)

    preview = admin.get(f"{BASE}/programs/{program_id}/campaigns/preview").get_data(as_text=True)
    assert re.search(r'data-preview="recipients">2<', preview)
    assert "物価高騰対策給付金として70,000円をお支払いします。" in preview
    assert 'data-preview="button">申請する<' in preview
    sent = admin.post(f"{BASE}/programs/{program_id}/campaigns",
                      data={"csrf_token": token(admin)}, follow_redirects=True)
    assert "2世帯への通知の送信を始めました。" in sent.get_data(as_text=True)
    assert "job-progress" in sent.get_data(as_text=True)
    assert applications_of(container, program_id) == {
        "H0001": ApplicationStatus.NOTIFIED, "H0002": ApplicationStatus.NOTIFIED}
    page = admin.get(f"{BASE}/programs/{program_id}").get_data(as_text=True)
    assert re.search(r'data-outcome="pending">2<', page)  # 送信待ち: the dispatcher sends them
    again = admin.post(f"{BASE}/programs/{program_id}/campaigns",
                       data={"csrf_token": token(admin)}, follow_redirects=True)
    assert "通知を送る世帯がありません" in again.get_data(as_text=True)
    assert actions(container, target_id=program_id) == [
        "campaign.start", "program.status", "program.create"]


def test_a_list_with_errors_imports_nothing_when_all_or_nothing(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    html = upload(admin, program_id, "世帯番号\nH0001\n!!\n", mode="all_or_nothing").get_data(
        as_text=True)
    assert "何も取り込んでいません" in html
    # finished, but not a success
    assert "終わりましたが、何も取り込んでいません" in html and "完了しました" not in html
    assert "job-progress--refused" in html
    with container.uow() as uow:
        assert uow.queries.benefits.eligible_count(program_id) == 0


def test_paper_forms_once_per_household_bulk_decisions_and_the_postal_list(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    upload(admin, program_id, "世帯番号\nH0001\nH0002\nH0003\n")
    admin.post(f"{BASE}/programs/{program_id}/campaigns", data={"csrf_token": token(admin)})

    postal = admin.get(f"{BASE}/programs/{program_id}/postal.csv")
    assert postal.headers["Content-Type"] == "text/csv; charset=shift_jis"  # as its bytes are
    assert postal.headers["Cache-Control"] == "no-store"
    lines = postal.get_data().decode("cp932").split("\r\n")
    assert lines[0] == '"世帯番号","世帯主氏名","世帯主氏名カナ","郵便番号","住所","支給額"'
    assert lines[1].startswith('"H0003","試験 3郎"') and lines[1].endswith('"70000"')

    today = container.clock().now().astimezone(JST).date()
    future = paper(admin, program_id, "H0003", received_on=str(today + dt.timedelta(days=1)))
    assert "受付日に未来の日付は入力できません。" in future.get_data(as_text=True)
    entered = paper(admin, program_id, "H0003", received_on=str(today))  # before 9:00 too
    assert entered.status_code == 302
    assert paper(admin, program_id, "H0001").status_code == 302  # notified on LINE, on paper
    refused = paper(admin, program_id, "H0003")
    assert refused.status_code == 422 and "郵送で申請済みです" in refused.get_data(as_text=True)
    assert paper(admin, program_id, "H0001").status_code == 422

    with container.uow() as uow:
        ids = {a.id: a.household_id for a in uow.queries.benefits.applications(
            program_id, ApplicationFilter(limit=10))}
    listed = admin.get(f"{BASE}/programs/{program_id}/applications?status=confirmed")
    assert listed.get_data(as_text=True).count('name="application_ids"') == 2

    no_reason = admin.post(f"{BASE}/programs/{program_id}/decisions", data={
        "csrf_token": token(admin), "decision": "reject", "application_ids": list(ids)},
        follow_redirects=True)
    assert "不支給の理由を入力してください。" in no_reason.get_data(as_text=True)
    assert ApplicationStatus.REJECTED not in applications_of(container, program_id).values()

    decided = admin.post(f"{BASE}/programs/{program_id}/decisions", data={
        "csrf_token": token(admin), "decision": "approve", "application_ids": list(ids),
        "status": "confirmed"})
    assert decided.status_code in (302, 303)  # post/redirect/get: a reload decides nothing
    assert "status=confirmed" in decided.headers["Location"]
    html = admin.get(decided.headers["Location"]).get_data(as_text=True)
    assert "2件を支給決定しました" in html and "1件は決定できませんでした" in html
    assert re.search(r"世帯番号 H0002: 申請の状態が", html)  # notified, not applied
    assert applications_of(container, program_id) == {
        "H0001": ApplicationStatus.APPROVED, "H0002": ApplicationStatus.NOTIFIED,
        "H0003": ApplicationStatus.APPROVED}
    assert "application.decide" in actions(container, target_id=program_id)
    assert actions(container, action="application.paper_entry") != []
    assert actions(container, action="postal.export") == ["postal.export"]


def test_an_application_shows_the_account_beside_the_passbook_photo_and_is_checked(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    upload(admin, program_id, "世帯番号\nH0003\n")
    location = paper(admin, program_id, "H0003").location
    application_id = location.rsplit("/", 1)[-1]
    with container.uow() as uow:
        application = uow.applications.get(application_id)
        application.passbook_photo = "line:photo-1"
        uow.attachments.add(StoredAttachment(id="k1", ref="line:photo-1",
                                             content_type="image/jpeg", content=b"\xff\xd8jpeg",
                                             fetched_at=container.clock().now()))
        uow.commit()

    page = admin.get(f"{BASE}/applications/{application_id}").get_data(as_text=True)
    assert "1234567" in page and "シケン タロウ" in page and "口座を確認した" in page
    photo = admin.get(f"{BASE}/applications/{application_id}/passbook")
    assert photo.status_code == 200 and photo.data == b"\xff\xd8jpeg"
    assert photo.headers["Cache-Control"] == "no-store"

    checked = admin.post(f"{BASE}/applications/{application_id}/account-check",
                         data={"csrf_token": token(admin)}, follow_redirects=True)
    assert "口座を確認済み" in checked.get_data(as_text=True)
    assert actions(container, target_id=application_id) == [
        "application.view", "application.account_check", "application.passbook_view",
        "application.view", "application.paper_entry"]


def test_the_applications_list_filters_and_pages(
        admin: FlaskClient, container: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    from entrypoints.web.staff.benefits import applications as benefits_applications

    monkeypatch.setattr(benefits_applications, "PAGE_SIZE", 1)
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    upload(admin, program_id, "世帯番号\nH0001\nH0002\nH0003\n")
    admin.post(f"{BASE}/programs/{program_id}/campaigns", data={"csrf_token": token(admin)})
    listed = f"{BASE}/programs/{program_id}/applications"

    first = admin.get(listed).get_data(as_text=True)
    second = admin.get(f"{listed}?page=2").get_data(as_text=True)
    assert "次へ" in first and "前へ" not in first
    assert "前へ" in second and "次へ" not in second
    assert {"H0001", "H0002"} == {n for n in ON_LINE if n in first + second}
    assert "該当する申請はありません。" in admin.get(f"{listed}?channel=postal").get_data(
        as_text=True)
    with container.uow() as uow:
        [awaiting] = uow.queries.benefits.applications(program_id, ApplicationFilter(limit=1))
        awaiting.passbook_photo = "line:photo-2"
        uow.commit()
    shown = admin.get(f"{listed}?awaiting=1").get_data(as_text=True)
    assert shown.count('name="application_ids"') == 1 and "次へ" not in shown


def test_a_refused_status_change_changes_nothing_and_is_not_recorded(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    for status in ("open", "open"):
        page = admin.post(f"{BASE}/programs/{program_id}/status", follow_redirects=True,
                          data={"csrf_token": token(admin), "status": status})
    html = page.get_data(as_text=True)
    assert "受付中のため、受付中にできません。" in html
    assert 'data-program-status="open"' in html
    assert actions(container, action="program.status") == ["program.status"]


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(
        admin: FlaskClient, container: Container) -> None:
    response = admin.post(f"{BASE}/", data={"name": "偽の給付金", "amount": "1"})
    assert response.status_code == 400
    with container.uow() as uow:
        assert list(uow.queries.benefits.programs()) == []


def test_a_viewer_sees_programs_but_may_not_decide_or_create(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    make_staff(container, "etsuran", Role.VIEWER)
    sign_in(admin, "etsuran")
    page = admin.get(f"{BASE}/").get_data(as_text=True)
    assert "物価高騰対策給付金" in page and 'name="payout_methods"' not in page
    refused = admin.post(f"{BASE}/programs/{program_id}/decisions", data={
        "csrf_token": token(admin), "decision": "approve", "application_ids": ["x"]})
    assert refused.status_code == 403
    assert admin.get(f"{BASE}/programs/{program_id}/applications").status_code == 403


def test_a_program_the_use_case_refuses_is_shown_again_with_the_message(
        admin: FlaskClient, container: Container) -> None:
    response = admin.post(f"{BASE}/", data={
        "csrf_token": token(admin), "name": "給付金", "amount": "10000",
        "eligibility_source": "全世帯", "opens_at": "2026-12-01T09:00",
        "closes_at": "2026-12-31T17:00"})
    assert response.status_code == 422
    assert "支給方法を1つ以上選んでください。" in response.get_data(as_text=True)
    with container.uow() as uow:
        assert list(uow.queries.benefits.programs()) == []


def test_a_paper_form_with_a_yucho_passbook_is_saved_in_transfer_form(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    upload(admin, program_id, "世帯番号\nH0003\n")
    form = {"csrf_token": token(admin), "household_number": "H0003",
            "payout_method": "bank_transfer", "bank_code": "9900", "account_type": "1",
            "holder_kana": "シケン タロウ", "yucho_symbol": "10180"}
    page = admin.get(f"{BASE}/programs/{program_id}/postal").get_data(as_text=True)
    assert 'name="yucho_symbol"' in page and 'name="yucho_number"' in page

    typo = admin.post(f"{BASE}/programs/{program_id}/paper-applications",
                      data={**form, "yucho_number": "12345670"})
    assert typo.status_code == 422
    html = typo.get_data(as_text=True)
    assert "最後が1" in html and 'value="12345670"' in html  # the form kept as typed
    assert applications_of(container, program_id) == {}

    entered = admin.post(f"{BASE}/programs/{program_id}/paper-applications",
                         data={**form, "yucho_number": "12345671"})

    assert entered.status_code == 302
    with container.uow() as uow:
        [application] = uow.queries.benefits.applications(program_id, ApplicationFilter(limit=5))
        account = uow.applications.get(application.id).payee_account
    assert (account.bank_code, account.branch_code, account.account_type.label,
            account.number) == ("9900", "018", "普通", "1234567")


@pytest.mark.parametrize("typed", ["10,000,001", str(2**63 - 1), str(2**63 * 10), "9" * 5000])
def test_a_program_amount_beyond_what_a_town_pays_is_refused_in_japanese(
        admin: FlaskClient, container: Container, typed: str) -> None:
    response = admin.post(f"{BASE}/", data={
        "csrf_token": token(admin), "name": "給付金", "amount": typed,
        "eligibility_source": "全世帯", "opens_at": "2026-12-01T09:00",
        "closes_at": "2026-12-31T17:00", "payout_methods": ["bank_transfer"]})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "10,000,000円以下" in page or "大きすぎます" in page
    with container.uow() as uow:
        assert list(uow.queries.benefits.programs()) == []
