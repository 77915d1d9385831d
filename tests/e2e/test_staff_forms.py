"""Staff forms follow post/redirect/get: a change, or a refused one, answers with a redirect to
the page (reloading it never posts again), and a refused form comes back filled in as it was
sent. Refused means changed nothing."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from domain.certificates import IssueState
from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import token
from tests.e2e.test_audit_every_route import banks, town  # noqa: F401 (its fixtures)
from tests.support.calling_routes import acting, every_row
from tests.support.every_route_town import Town

pytestmark = pytest.mark.e2e

C = "/staff/certificates/"


def test_a_refused_tracking_number_comes_back_in_its_field_once(
        town: Town, client: FlaskClient, container: Container) -> None:  # noqa: F811
    acting(f"staff:{Role.CASE_WORKER.value}", client, container, town)
    before = every_row(container)
    typed = "A" * 65  # one more than a tracking number may have

    refused = client.post(f"{C}{town.issued_request}/mail",
                          data={"csrf_token": token(client), "tracking_number": typed})

    assert refused.status_code == 302 and refused.location.endswith(C + town.issued_request)
    page = client.get(refused.location).get_data(as_text=True)
    assert "追跡番号は64文字以内で入力してください。" in page and f'value="{typed}"' in page
    assert typed not in client.get(refused.location).get_data(as_text=True)  # kept once
    after = every_row(container)
    assert {k: v for k, v in after.items() if not k.startswith("audit")} == {
        k: v for k, v in before.items() if not k.startswith("audit")}  # the look is audited
    with container.uow() as uow:
        assert uow.certificate_requests.get(town.issued_request).issue_state is IssueState.ISSUED


def test_a_refused_rejection_keeps_the_reason_that_was_typed(
        town: Town, client: FlaskClient, container: Container) -> None:  # noqa: F811
    acting(f"staff:{Role.APPROVER.value}", client, container, town)
    typed = "記載内容を確認できないため。" * 40  # longer than a reason may be

    refused = client.post(f"{C}{town.paid_request}/reject",
                          data={"csrf_token": token(client), "reason": typed})

    assert refused.status_code == 302
    page = client.get(refused.location).get_data(as_text=True)
    assert "理由は500文字以内で入力してください。" in page and f">{typed}</textarea>" in page
    with container.uow() as uow:
        assert uow.certificate_requests.get(town.paid_request).issue_state is IssueState.WAITING


def test_a_refused_change_of_a_staff_account_redirects_to_the_list(
        town: Town, client: FlaskClient, container: Container) -> None:  # noqa: F811
    me = acting(f"staff:{Role.ADMINISTRATOR.value}", client, container, town)

    refused = client.post(f"/staff/members/{me.actor_id}/deactivate",
                          data={"csrf_token": token(client)})

    assert refused.status_code == 302 and refused.location.endswith("/staff/members")
    assert "自分のアカウントは無効にできません。" in client.get(refused.location).get_data(
        as_text=True)


def test_a_registry_upload_without_a_file_keeps_the_choices_that_were_ticked(
        town: Town, client: FlaskClient, container: Container) -> None:  # noqa: F811
    acting(f"staff:{Role.ADMINISTRATOR.value}", client, container, town)

    refused = client.post("/staff/registry-import", data={
        "csrf_token": token(client), "partial": "1"}, content_type="multipart/form-data")

    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "取り込むCSVファイルを選んでください。" in page
    assert 'name="partial" value="1" checked' in page
    assert 'name="valid_rows" value="1" checked' not in page
