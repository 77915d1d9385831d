"""The procedure builder's pages over HTTP (手続きの作成, ADR 0055): a case worker creates a
procedure from its template JSON, the editor's check answers with each problem in place, a
save with problems or on a stale draft changes nothing, 試す gives a code, an administrator
publishes (a case worker is refused) and withdraws, the draft and a version export as files,
and a template imports with its departments mapped (another format version is refused)."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from application.access.actor import Actor
from application.cases.managing_departments import SaveDepartment, save_department
from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import make_staff, sign_in, token

pytestmark = pytest.mark.e2e

ENVIRONMENT = "環境課"
BULKY: dict[str, Any] = {
    "format": "madoguchi.procedure", "version": 1,
    "procedure": {"id": "bulky_waste", "title": "粗大ごみ収集の申込", "steps": [
        {"key": "items", "question": "出す粗大ごみは何点ですか？", "answer": "number",
         "label": "点数", "min_value": 1, "max_value": 10},
        {"key": "kind", "question": "主なものを選んでください。", "answer": "choice",
         "label": "種類", "choices": [{"value": "furniture", "label": "家具"},
                                     {"value": "appliance", "label": "家電"}]},
        {"key": "day", "question": "収集を希望する日を教えてください。", "answer": "date",
         "label": "収集日"}]},
    "routing": {"default": ENVIRONMENT}}


@pytest.fixture
def town(container: Container) -> Container:
    save_department(SaveDepartment(name=ENVIRONMENT, actor=Actor.operator("test")),
                    uow=container.uow(), ids=container.ids(), clock=container.clock())
    make_staff(container, "worker", Role.CASE_WORKER)
    make_staff(container, "admin", Role.ADMINISTRATOR)
    return container


def _as(client: FlaskClient, login: str) -> dict[str, str]:
    assert sign_in(client, login).status_code == 302
    return {"X-CSRF-Token": token(client)}


def _create(client: FlaskClient, headers: dict[str, str], template: dict[str, Any] = BULKY,
            **placing: Any) -> Any:
    return client.post("/staff/procedures/new", headers=headers, data={
        "template": json.dumps(template, ensure_ascii=False), "channel": ["line", "web"],
        **placing})


def _audit(container: Container) -> list[str]:
    from sqlalchemy import text

    with container.engine().connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT action FROM audit_log"))]


def test_a_case_worker_creates_a_procedure_and_finds_it_in_the_list(
        town: Container, client: FlaskClient) -> None:
    headers = _as(client, "worker")

    created = _create(client, headers, in_menu="1", menu_label="粗大ごみ", menu_order="2")

    assert created.status_code == 302
    assert created.location.endswith("/staff/procedures/bulky_waste/edit")
    page = client.get("/staff/procedures/").get_data(as_text=True)
    assert "粗大ごみ収集の申込" in page and "下書き" in page and ENVIRONMENT in page
    assert "2番目" in page and "LINE、ウェブ" in page
    editor = client.get(created.location).get_data(as_text=True)
    assert "管理者が行います" in editor  # 公開 shown disabled, with why
    assert "procedure.create" in _audit(town)


def test_the_check_endpoint_says_each_problem_with_its_place(
        town: Container, client: FlaskClient) -> None:
    headers = _as(client, "worker")
    broken = copy.deepcopy(BULKY)
    broken["procedure"]["steps"][1]["choices"] = []
    broken["procedure"]["steps"][0]["branches"] = [{"when_value": 1, "goto": "nowhere"}]
    broken["routing"]["default"] = "清掃課"

    answer = client.post("/staff/procedures/check", headers=headers,
                         json={"template": broken, "new": True}).get_json()

    assert answer["ok"] is False
    places = {(p["section"], p["step"], p["branch"]) for p in answer["problems"]}
    assert ("step", "kind", None) in places and ("step", "items", 0) in places
    good = client.post("/staff/procedures/check", headers=headers,
                       json={"template": BULKY, "new": True}).get_json()
    assert good == {"ok": True, "problems": []}
    unknown = client.post("/staff/procedures/check", headers=headers, json={
        "template": {**BULKY, "routing": {"default": "清掃課"}}}).get_json()
    assert [p["section"] for p in unknown["problems"]] == ["routing"]
    assert "課「清掃課」はこの町にありません" in unknown["problems"][0]["message"]


def test_a_save_with_problems_saves_nothing_and_shows_them(
        town: Container, client: FlaskClient) -> None:
    headers = _as(client, "worker")
    broken = copy.deepcopy(BULKY)
    broken["procedure"]["steps"][1]["choices"] = []

    refused = _create(client, headers, broken)

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "保存できませんでした" in page and "質問「kind」" in page
    assert "選択肢がありません" in page
    assert client.get("/staff/procedures/bulky_waste/edit").status_code == 404
    not_json = client.post("/staff/procedures/new", headers=headers, data={"template": "{"})
    assert not_json.status_code == 422 and "JSON として" in not_json.get_data(as_text=True)


def test_a_stale_save_is_refused_with_the_clear_message(
        town: Container, client: FlaskClient) -> None:
    headers = _as(client, "worker")
    _create(client, headers)
    edited = copy.deepcopy(BULKY)
    edited["procedure"]["title"] = "粗大ごみの申込"
    first = client.post("/staff/procedures/bulky_waste/edit", headers=headers, data={
        "template": json.dumps(edited), "expected_version": "1", "channel": ["line"]})
    assert first.status_code == 302

    stale = client.post("/staff/procedures/bulky_waste/edit", headers=headers, data={
        "template": json.dumps(BULKY), "expected_version": "1", "channel": ["line"]})

    assert stale.status_code == 422
    shown = stale.get_data(as_text=True)
    assert "ほかの職員がこの手続きを先に保存しました" in shown
    assert 'name="expected_version" value="1"' in shown  # still stale until opened again
    page = client.get("/staff/procedures/").get_data(as_text=True)
    assert "粗大ごみの申込" in page


def test_trying_a_draft_shows_its_code_and_how_to_send_it(
        town: Container, client: FlaskClient) -> None:
    headers = _as(client, "worker")
    _create(client, headers)

    tried = client.post("/staff/procedures/bulky_waste/try", headers=headers)

    assert tried.status_code == 302
    page = client.get("/staff/procedures/bulky_waste/edit").get_data(as_text=True)
    with town.uow() as uow:
        code = uow.built_procedures.get("bulky_waste").trial_code
    assert f"試す {code}" in page and "/r/" in page and "30分" in page


def test_an_administrator_publishes_and_a_case_worker_is_refused(
        town: Container, client: FlaskClient) -> None:
    headers = _as(client, "worker")
    _create(client, headers)

    refused = client.post("/staff/procedures/bulky_waste/publish", headers=headers)
    assert refused.status_code == 403
    headers = _as(client, "admin")
    published = client.post("/staff/procedures/bulky_waste/publish", headers=headers,
                            follow_redirects=True)

    page = published.get_data(as_text=True)
    assert "第1版を公開しました" in page and "公開中 第1版" in page
    assert "第1版" in page and "受付終了" in page  # the version listed; withdraw offered
    again = client.post("/staff/procedures/bulky_waste/publish", headers=headers,
                        follow_redirects=True)
    assert "下書きは公開中の版と同じです" in again.get_data(as_text=True)


def test_an_administrator_withdraws_a_published_procedure(
        town: Container, client: FlaskClient) -> None:
    headers = _as(client, "admin")
    _create(client, headers)
    client.post("/staff/procedures/bulky_waste/publish", headers=headers)

    withdrawn = client.post("/staff/procedures/bulky_waste/withdraw", headers=headers,
                            follow_redirects=True)

    page = withdrawn.get_data(as_text=True)
    assert "受付を終了しました" in page and "受付終了（第1版）" in page
    assert "procedure.withdraw" in _audit(town)


def test_the_draft_and_a_version_export_as_files_named_by_the_id(
        town: Container, client: FlaskClient) -> None:
    headers = _as(client, "admin")
    _create(client, headers)
    client.post("/staff/procedures/bulky_waste/publish", headers=headers)

    draft = client.get("/staff/procedures/bulky_waste/export")
    version = client.get("/staff/procedures/bulky_waste/export?version=1")

    assert draft.headers["Content-Disposition"] == 'attachment; filename="bulky_waste.json"'
    assert json.loads(draft.get_data(as_text=True)) == BULKY
    assert 'filename="bulky_waste-v1.json"' in version.headers["Content-Disposition"]
    assert json.loads(version.get_data(as_text=True)) == BULKY
    assert client.get("/staff/procedures/bulky_waste/export?version=9").status_code == 404


def test_a_template_with_an_unknown_department_and_a_taken_id_is_mapped_then_imported(
        town: Container, client: FlaskClient) -> None:
    headers = _as(client, "worker")
    _create(client, headers)
    other_town = {**BULKY, "routing": {"default": "清掃センター"}}

    asked = client.post("/staff/procedures/import", headers=headers, data={
        "file": (io.BytesIO(json.dumps(other_town).encode()), "bulky_waste.json")},
        content_type="multipart/form-data")

    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "テンプレートの課「清掃センター」" in page and "新しいID" in page
    sent = client.post("/staff/procedures/import", headers=headers, data={
        "template": json.dumps(other_town), "department:清掃センター": ENVIRONMENT,
        "procedure_id": "bulky_waste_2"})
    assert sent.status_code == 302
    assert sent.location.endswith("/staff/procedures/bulky_waste_2/edit")
    with town.uow() as uow:
        imported = uow.built_procedures.get("bulky_waste_2")
    assert imported.draft["routing"] == {"default": ENVIRONMENT}
    assert imported.draft["procedure"]["id"] == "bulky_waste_2"


def test_a_library_template_imports_through_the_same_flow(
        town: Container, client: FlaskClient) -> None:
    headers = _as(client, "worker")
    listed = client.get("/staff/procedures/").get_data(as_text=True)
    assert "テンプレート集" in listed and "お問い合わせ" in listed

    asked = client.post("/staff/procedures/import", headers=headers,
                        data={"library": "contact.json"})

    assert "このIDはすでに使われています" in asked.get_data(as_text=True)


def test_a_refused_template_is_listed_with_its_places(
        town: Container, client: FlaskClient) -> None:
    headers = _as(client, "worker")
    newer = {**BULKY, "version": 2}

    refused = client.post("/staff/procedures/import", headers=headers, data={
        "file": (io.BytesIO(json.dumps(newer).encode()), "newer.json")},
        content_type="multipart/form-data")

    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "この版（version 2）のテンプレートは読めません" in page
    broken = copy.deepcopy(BULKY)
    broken["procedure"]["steps"][0]["branches"] = [{"when_value": 1, "goto": "items"}]
    looped = client.post("/staff/procedures/import", headers=headers, data={
        "file": (io.BytesIO(json.dumps(broken).encode()), "b.json")},
        content_type="multipart/form-data")
    assert "質問「items」の1番目の分岐" in looped.get_data(as_text=True)
    with town.uow() as uow:
        assert uow.built_procedures.all() == []


def test_bad_input_is_refused_in_japanese_and_changes_nothing(
        town: Container, client: FlaskClient) -> None:
    make_staff(town, "viewer", Role.VIEWER)
    headers = _as(client, "worker")

    not_json = client.post("/staff/procedures/check", headers=headers, data="{",
                           content_type="application/json")
    no_file = client.post("/staff/procedures/import", headers=headers, data={})
    not_in_library = client.post("/staff/procedures/import", headers=headers,
                                 data={"library": "../secrets.json"})
    bad_order = _create(client, headers, in_menu="1", menu_order="一番")

    assert not_json.status_code == 400
    assert "JSON として読めません" in not_json.get_json()["problems"][0]["message"]
    assert no_file.status_code == 422 and "ファイルを選んでください" in no_file.get_data(
        as_text=True)
    assert "テンプレート集にそのファイルはありません" in not_in_library.get_data(as_text=True)
    assert bad_order.status_code == 422
    assert "メニューの順番は1〜99" in bad_order.get_data(as_text=True)
    with town.uow() as uow:
        assert uow.built_procedures.all() == []
    _as(client, "viewer")
    assert client.get("/staff/procedures/").status_code == 403
