"""The staff pages for payment batches: made by one person, approved by another, the file
downloaded, the bank's returned list uploaded; every step in the hash-chained audit log."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient

from adapters.banks.zengin_reading import DataRecord, read_transfer_file
from application.ports.audit import AuditQuery
from domain.benefits import BenefitProgram
from domain.staff import Role
from domain.values import Money
from entrypoints.containers import Container
from tests.e2e.staff_support import make_staff, sign_in, token
from tests.support.payments import approved_town, residents

pytestmark = pytest.mark.e2e


@pytest.fixture
def town(container: Container) -> None:
    with container.uow() as uow:
        residents(uow, 3)
        uow.commit()
    with container.uow() as uow:
        approved_town(uow, households=3)
        uow.commit()
    make_staff(container, "maker", Role.APPROVER)
    make_staff(container, "checker", Role.APPROVER)
    make_staff(container, "looker", Role.VIEWER)


def _as(client: FlaskClient, login_id: str) -> str:
    with client.session_transaction() as session:
        session.clear()
    assert sign_in(client, login_id).status_code in (302, 303)
    return token(client)


def test_a_batch_goes_through_the_staff_pages_with_two_people(
    container: Container, client: FlaskClient, town: None,
) -> None:
    csrf = _as(client, "maker")
    page = client.get("/staff/batches/")
    assert page.status_code == 200 and "支払バッチを作成" in page.get_data(as_text=True)

    made = client.post("/staff/batches/", data={"program_id": "p1", "method": "bank_transfer",
                                                "csrf_token": csrf})
    assert made.status_code in (302, 303)
    batch_url = made.headers["Location"]
    shown = client.get(batch_url).get_data(as_text=True)
    assert "作成した職員は承認できません" in shown and "210,000円" in shown
    payees = shown.split("data-payees", 1)[1].split("</table>", 1)[0]  # who is paid, by name
    assert payees.count("山田 太郎") == 3 and "H0001" in payees and "みずほ" in payees
    assert "東京営業部" in payees and "＊＊＊＊001" in payees and "0000001" not in payees
    refused = client.post(f"{batch_url}/approval", data={"csrf_token": csrf},
                          follow_redirects=True)
    assert refused.status_code == 200
    assert "作成した職員は承認できません" in refused.get_data(as_text=True)

    csrf = _as(client, "checker")
    assert client.post(f"{batch_url}/approval",
                       data={"csrf_token": csrf}).status_code in (302, 303)
    first = client.post(f"{batch_url}/transfer-file", data={"csrf_token": csrf,
                                                            "line_endings": "crlf"})
    again = client.post(f"{batch_url}/transfer-file", data={"csrf_token": csrf,
                                                            "line_endings": "crlf"})
    assert first.status_code == 200 and first.data == again.data
    assert len([r for r in read_transfer_file(io.BytesIO(first.data))
                if isinstance(r, DataRecord)]) == 3

    uploaded = client.post(f"{batch_url}/results", data={
        "csrf_token": csrf, "kind": "returned", "settle_rest": "1",
        "file": (io.BytesIO("record,reason\n1,口座なし\n".encode("cp932")), "returned.csv")},
        content_type="multipart/form-data")
    assert uploaded.status_code in (302, 303)
    shown = client.get(batch_url).get_data(as_text=True)
    assert "一部支払不能" in shown and "口座なし" in shown
    failures = shown.split("data-failures", 1)[1].split("</table>", 1)[0]
    assert re.search(r">H000\d</a>", failures) and "山田 太郎" in failures
    assert "一致" in client.get(f"{batch_url}?ledger=1").get_data(as_text=True)

    with container.uow() as uow:
        [failed] = [d for d in uow.disbursements.in_batch(batch_url.rsplit("/", 1)[-1])
                    if d.failure_reason]
    assert failed.id not in shown and f">{failed.application_id}<" not in shown  # no ids
    typo = client.post(f"{batch_url}/repayments/{failed.application_id}", data={
        "csrf_token": csrf, "use": "typed", "bank_code": "9900", "yucho_symbol": "10180",
        "yucho_number": "12345678", "holder": "ヤマダ ハナコ"})  # a 1-記号's 番号 ends in 1
    assert typo.status_code == 422
    refused = typo.get_data(as_text=True)
    assert "番号" in refused and 'value="12345678"' in refused  # the form stays as typed
    kept = client.post(f"{batch_url}/repayments/{failed.application_id}", data={
        "csrf_token": csrf, "use": "typed", "bank_code": "9900", "yucho_symbol": "10180",
        "yucho_number": "12345671", "holder": "ヤマダ ハナコ"})  # as the passbook shows it
    assert kept.status_code in (302, 303)
    with container.uow() as uow:
        entered = uow.applications.get(failed.application_id).payee_account
    assert (entered.bank_code, entered.branch_code, entered.number) == ("9900", "018", "1234567")
    shown = client.get(batch_url).get_data(as_text=True)
    assert "確認待ち" in shown and ">この口座で再振込</button>" not in shown
    csrf = _as(client, "maker")  # another staff member checks the typed account
    assert client.post(f"/staff/benefits/applications/{failed.application_id}/account-check",
                       data={"csrf_token": csrf}).status_code in (302, 303)
    shown = client.get(batch_url).get_data(as_text=True)
    assert ">この口座で再振込</button>" in shown and "＊＊＊＊567" in shown
    repaid = client.post(f"{batch_url}/repayments/{failed.application_id}",
                         data={"csrf_token": csrf})
    assert repaid.status_code in (302, 303)
    assert "再振込登録済み" in client.get(batch_url).get_data(as_text=True)

    with container.uow() as uow:
        logged = [r.action for r in uow.audit.search(AuditQuery())]
    assert {"payment_batch.created", "payment_batch.approved", "payment_batch.exported",
            "payment_batch.re_exported", "disbursement.failed",
            "payment_batch.partly_failed", "disbursement.repayment"} <= set(logged)


def test_the_batch_form_offers_the_open_program_first_not_a_closed_one(
        container: Container, client: FlaskClient, town: None) -> None:
    with container.uow() as uow:
        closed = uow.programs.get("p1")
        earlier = BenefitProgram(id="p0", name="前回の給付金", amount_per_household=Money(30000),
                                 eligibility_source="前回", payout_methods={"bank_transfer"},
                                 window=closed.window)
        earlier.open()
        earlier.close()
        uow.programs.add(earlier)
        uow.commit()
    _as(client, "maker")
    page = client.get("/staff/batches/").get_data(as_text=True)
    assert '<option value="p1" selected>' in page and '<option value="p0">' in page


def test_a_viewer_sees_batches_but_no_forms(client: FlaskClient, town: None) -> None:
    _as(client, "looker")
    page = client.get("/staff/batches/").get_data(as_text=True)
    assert "支払バッチ" in page and "支払バッチを作成" not in page


def test_the_payee_list_is_paged_with_a_total_per_page_and_one_audit_record_per_view(
        container: Container, client: FlaskClient, town: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from application.disbursements import viewing_batch

    monkeypatch.setattr(viewing_batch, "PAGE_SIZE", 2)
    csrf = _as(client, "maker")
    batch_url = client.post("/staff/batches/", data={"program_id": "p1",
                                                     "csrf_token": csrf}).headers["Location"]
    with container.uow() as uow:
        before = len([r for r in uow.audit.search(AuditQuery(action="payment_batch.view"))])

    first = client.get(batch_url).get_data(as_text=True)
    second = client.get(f"{batch_url}?page=2").get_data(as_text=True)

    assert "1 / 2" in first and "2 / 2" in second
    assert re.search(r"data-page-total>140,000円<", first)
    assert re.search(r"data-page-total>70,000円<", second)
    assert re.search(r"data-batch-total>210,000円<", first + second)
    with container.uow() as uow:
        views = [r for r in uow.audit.search(AuditQuery(action="payment_batch.view"))]
    assert len(views) == before + 2  # one per page view, not one per payee
    _as(client, "looker")  # a viewer sees the figures, not who is paid
    looked = client.get(batch_url).get_data(as_text=True)
    assert "210,000円" in looked and "山田 太郎" not in looked and "data-payees" not in looked


def test_an_approval_of_a_batch_that_changed_since_it_was_shown_is_refused(
        container: Container, client: FlaskClient, town: None) -> None:
    csrf = _as(client, "maker")
    batch_url = client.post("/staff/batches/", data={"program_id": "p1",
                                                     "csrf_token": csrf}).headers["Location"]
    csrf = _as(client, "checker")

    stale = client.post(f"{batch_url}/approval", data={
        "csrf_token": csrf, "shown_count": "2", "shown_total": "140000"},
        follow_redirects=True).get_data(as_text=True)
    assert "支払バッチの現在の内容（3件・210,000円）が違います" in stale
    assert "data-approve" in stale  # still a draft: the form is offered again

    approved = client.post(f"{batch_url}/approval", data={
        "csrf_token": csrf, "shown_count": "3", "shown_total": "210000"})
    assert approved.status_code in (302, 303)


def test_a_result_file_with_a_wrong_header_is_refused_in_japanese_and_changes_nothing(
        container: Container, client: FlaskClient, town: None) -> None:
    csrf = _as(client, "maker")
    batch_url = client.post("/staff/batches/", data={"program_id": "p1",
                                                     "csrf_token": csrf}).headers["Location"]
    csrf = _as(client, "checker")
    client.post(f"{batch_url}/approval", data={"csrf_token": csrf})
    client.post(f"{batch_url}/transfer-file", data={"csrf_token": csrf})

    refused = client.post(f"{batch_url}/results", data={
        "csrf_token": csrf, "kind": "returned",
        "file": (io.BytesIO("番号,理由\n1,口座なし\n".encode("cp932")), "returned.csv")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)

    assert "「顧客コード2,理由」" in refused and "何も取り込んでいません" in refused
    with container.uow() as uow:
        assert [d for d in uow.disbursements.in_batch(batch_url.rsplit("/", 1)[-1])
                if d.failure_reason] == []


def test_a_zengin_result_file_saved_as_utf8_is_refused_in_japanese_and_changes_nothing(
        container: Container, client: FlaskClient, town: None) -> None:
    csrf = _as(client, "maker")
    batch_url = client.post("/staff/batches/", data={"program_id": "p1",
                                                     "csrf_token": csrf}).headers["Location"]
    csrf = _as(client, "checker")
    client.post(f"{batch_url}/approval", data={"csrf_token": csrf})
    exported = client.post(f"{batch_url}/transfer-file", data={"csrf_token": csrf}).data

    refused = client.post(f"{batch_url}/results", data={
        "csrf_token": csrf, "kind": "zengin",
        "file": (io.BytesIO(exported.decode("cp932").encode("utf-8")), "result.txt")},
        content_type="multipart/form-data", follow_redirects=True)

    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "CP932（Shift_JIS）" in page
    with container.uow() as uow:
        assert all(d.failure_reason == "" or d.failure_reason is None
                   for d in uow.disbursements.in_batch(batch_url.rsplit("/", 1)[-1]))
