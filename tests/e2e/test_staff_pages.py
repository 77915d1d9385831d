"""The staff pages over the app: dashboard, resident search and page, the verification review,
the audit log and the registry import with its progress."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import make_staff, sign_in, token

pytestmark = pytest.mark.e2e

REGISTRY = Path(__file__).resolve().parents[1] / "fixtures" / "registry" / "registry_utf8.csv"


def _audit(container: Container) -> list[tuple[str, str, str]]:
    with container.engine().connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT actor_label, action, target_id FROM audit_log ORDER BY seq"))]


def _import(client: FlaskClient, path: Path = REGISTRY) -> str:
    with path.open("rb") as handle:
        response = client.post("/staff/registry-import", data={
            "csrf_token": token(client), "file": (handle, path.name)},
            content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location.rsplit("/", 1)[-1]


def _search(client: FlaskClient, query: dict[str, str]):  # type: ignore[no-untyped-def]
    """The resident search form, posted (never a query string: personal data)."""
    return client.post("/staff/residents", data={**query, "csrf_token": token(client)})


@pytest.fixture
def admin(container: Container, client: FlaskClient, tmp_path: Path) -> FlaskClient:
    client.application.config["STAFF_UPLOAD_DIR"] = str(tmp_path / "uploads")
    make_staff(container, "boss", Role.ADMINISTRATOR, name="管理 一郎")
    sign_in(client, "boss")
    return client


def test_an_import_runs_as_a_job_whose_status_and_report_the_page_shows(
        admin: FlaskClient, container: Container, tmp_path: Path) -> None:
    job_id = _import(admin)

    page = admin.get(f"/staff/jobs/{job_id}").get_data(as_text=True)
    status = admin.get(f"/staff/jobs/{job_id}/status").get_json()
    report = admin.get(f"/staff/jobs/{job_id}/report").get_data(as_text=True)

    assert "住民記録の取り込み" in page and "data-job-status-url" in page
    assert status["finished"] and status["percent"] == 100 and not status["failed"]
    assert not status["refused"]
    assert "完了しました" in report and "data-refused" not in report
    assert list((tmp_path / "uploads").iterdir()) == []  # the uploaded registry is not kept
    assert ("boss", "registry.import", job_id) in _audit(container)


def test_an_import_without_a_file_is_refused_with_a_message(admin: FlaskClient) -> None:
    response = admin.post("/staff/registry-import", data={"csrf_token": token(admin)})
    assert response.status_code == 422
    assert "CSVファイルを選んでください" in response.get_data(as_text=True)


@pytest.mark.parametrize(("query", "found"), [
    ({"name": "髙橋 一郎", "date_of_birth": "1960-04-01"}, "000101"),
    ({"name": "高橋一郎", "date_of_birth": "昭和35年4月1日"}, "000101"),
    ({"name": "タカハシ ハナコ", "date_of_birth": "S38.12.24"}, "000102"),
    ({"name": "たかはし はなこ", "date_of_birth": "1963/12/24"}, "000102"),
    ({"name": "ﾀｶﾊｼ ﾊﾅｺ", "date_of_birth": "19631224"}, "000102"),
    ({"resident_number": "000103"}, "000103"),
])
def test_residents_are_found_by_name_and_birth_or_by_number(
        admin: FlaskClient, container: Container, query: dict[str, str], found: str) -> None:
    _import(admin)

    page = _search(admin, query).get_data(as_text=True)

    results = page.split("data-results", 1)[1]
    assert found in results and results.count("<tr>") == 2  # header + one person
    assert _audit(container)[-1][:2] == ("boss", "resident.search")


def test_the_resident_search_posts_what_was_typed_and_keeps_it_out_of_the_address(
        admin: FlaskClient, container: Container) -> None:
    _import(admin)
    form = admin.get("/staff/residents").get_data(as_text=True)
    assert 'method="post"' in form and 'name="csrf_token"' in form

    response = _search(admin, {"name": "タカハシ ハナコ", "date_of_birth": "S38.12.24"})

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "000102" in page.split("data-results", 1)[1]
    assert 'value="タカハシ ハナコ"' in page and 'value="S38.12.24"' in page  # still filled
    assert 'href="/staff/residents" aria-current="page"' in page  # still the search page
    assert "?" not in (response.request.url if response.request else "")


def test_a_search_in_the_address_finds_and_records_nothing(
        admin: FlaskClient, container: Container) -> None:
    _import(admin)

    page = admin.get("/staff/residents", query_string={"resident_number": "000101"})

    assert page.status_code == 200 and "data-results" not in page.get_data(as_text=True)
    assert "resident.search" not in [action for _, action, _ in _audit(container)]


def test_a_search_without_the_csrf_token_is_refused(
        admin: FlaskClient, container: Container) -> None:
    _import(admin)

    refused = admin.post("/staff/residents", data={"resident_number": "000101"})

    assert refused.status_code == 400
    assert "resident.search" not in [action for _, action, _ in _audit(container)]


def test_a_name_alone_is_not_a_search(admin: FlaskClient, container: Container) -> None:
    _import(admin)
    response = _search(admin, {"name": "髙橋 一郎"})
    assert response.status_code == 422
    assert "生年月日も入力してください" in response.get_data(as_text=True)
    assert "resident.search" not in [action for _, action, _ in _audit(container)]


def test_the_resident_page_shows_the_facts_and_records_the_view(
        admin: FlaskClient, container: Container) -> None:
    _import(admin)
    search = _search(admin, {"resident_number": "000101"})
    resident_id = re.search(r"/staff/residents/(\w+)", search.get_data(as_text=True))[1]

    page = admin.get(f"/staff/residents/{resident_id}").get_data(as_text=True)

    assert "髙橋 一郎" in page and "1960年4月1日（昭和35年）" in page and "H0001" in page
    assert "髙橋 花子" in page  # the household
    assert ("boss", "resident.view", resident_id) in _audit(container)
    assert admin.get("/staff/residents/nobody").status_code == 404


def test_the_dashboard_shows_the_towns_figures_and_no_invented_satisfaction(
        admin: FlaskClient) -> None:
    _import(admin)

    page = admin.get("/staff/").get_data(as_text=True)

    assert "LINE友だち" in page and "本人確認済みの住民" in page and "<svg" in page
    assert re.search(r'data-figure="satisfaction">.*?未計測', page, flags=re.S)
    assert "住民記録 7人" in page  # the seven people of the fixture


def test_a_viewer_sees_the_dashboard_but_no_resident_search(container: Container,
                                                            client: FlaskClient) -> None:
    make_staff(container, "look", Role.VIEWER)
    sign_in(client, "look")

    page = client.get("/staff/").get_data(as_text=True)

    assert "ダッシュボード" in page and "住民検索" not in page and "監査ログ" not in page
    assert client.get("/staff/residents").status_code == 403


def test_the_audit_log_page_finds_records_and_verifies_the_chain(
        admin: FlaskClient, container: Container) -> None:
    page = admin.get("/staff/audit", query_string={"action": "staff.sign_in"}).get_data(
        as_text=True)
    assert "boss" in page and "ログイン" in page

    verified = admin.post("/staff/audit/verify", data={"csrf_token": token(admin)},
                          follow_redirects=True)
    assert "改ざんされていません" in verified.get_data(as_text=True)
    with container.engine().begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor_label = 'someone' WHERE seq = 1"))
    broken = admin.post("/staff/audit/verify", data={"csrf_token": token(admin)},
                        follow_redirects=True)
    assert "不整合が見つかりました" in broken.get_data(as_text=True)


def test_registry_uploads_do_not_linger_when_the_import_fails(admin: FlaskClient,
                                                              tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("宛名番号,世帯番号\n1,2\n", encoding="utf-8")
    job_id = _import(admin, bad)
    status = admin.get(f"/staff/jobs/{job_id}/status").get_json()
    assert status["finished"]
    assert list((tmp_path / "uploads").iterdir()) == []


def test_an_import_that_refused_its_file_does_not_read_as_a_success(
        admin: FlaskClient, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(REGISTRY.read_text(encoding="utf-8").replace("S38.12.24", "S38.2.30"),
                   encoding="utf-8")
    job_id = _import(admin, bad)
    status = admin.get(f"/staff/jobs/{job_id}/status").get_json()
    report = admin.get(f"/staff/jobs/{job_id}/report").get_data(as_text=True)
    assert status["finished"] and not status["failed"] and status["refused"]
    assert "終わりましたが、何も取り込んでいません" in report and "完了しました" not in report
    assert "3行目「生年月日」: S38.2.30 は存在しない日付です。" in report
    # 4 of the 7: the bad row's household is not importable whole, its other rows included
    assert "取り込める行" in report


def _held_verification(container: Container) -> tuple[str, str]:
    """A card verification that differs from registry person 000101 by its address."""
    import datetime as dt

    from domain.channels import ChannelIdentity, IdentityStatus
    from domain.residents import PersonalFacts
    from domain.values import Address
    from domain.verifications import IdentityVerification, MatchOutcome

    now = dt.datetime.now(dt.UTC)
    with container.uow() as uow:
        person = uow.residents.get_by_resident_number("000101")
        facts = PersonalFacts(name=person.facts.name, address=Address.of("見本町栄町9丁目9番9号"),
                              date_of_birth=person.facts.date_of_birth, sex=person.facts.sex)
        identity = ChannelIdentity(id="ci1", channel="line", address="U" + "1" * 32,
                                   status=IdentityStatus.FOLLOWING, created_at=now)
        record = IdentityVerification(
            id="v1", identity_id=identity.id, provider="dev_card", subject="sub-1",
            assurance="card", verified_at=now, facts=facts,
            match_keys=container.match_keyer().keys_for(facts))
        record.hold_for_review(outcome=MatchOutcome.NEAR, reason="住所が一致しません。",
                               candidate_ids=[person.id])
        uow.channel_identities.add(identity)
        uow.verifications.add(record)
        uow.commit()
    return record.id, person.id


def test_a_held_verification_is_shown_beside_its_candidate_and_linked_by_staff(
        admin: FlaskClient, container: Container) -> None:
    from domain.verifications import VerificationStatus

    _import(admin)
    verification_id, person_id = _held_verification(container)

    queue = admin.get("/staff/verifications").get_data(as_text=True)
    review = admin.get(f"/staff/verifications/{verification_id}").get_data(as_text=True)
    assert "住所が一致しません" in queue
    assert "見本町栄町9丁目9番9号" in review and "窓口町1丁目2番3号" in review
    assert "住所: 不一致" in review and "生年月日: 一致" in review  # fact by fact
    unconfirmed = admin.post(f"/staff/verifications/{verification_id}/decision",
                             data={"csrf_token": token(admin), "decision": "link",
                                   "link_to": person_id})
    assert unconfirmed.status_code == 302
    with container.uow() as uow:  # not confirmed: nothing changed
        assert uow.verifications.get(verification_id).status is VerificationStatus.REVIEW
    decided = admin.post(f"/staff/verifications/{verification_id}/decision",
                         data={"csrf_token": token(admin), "decision": "link",
                               "link_to": person_id, "confirmed": "yes"})

    assert decided.status_code == 302
    with container.uow() as uow:
        record = uow.verifications.get(verification_id)
        assert record.status is VerificationStatus.LINKED and record.resident_id == person_id
        assert uow.channel_identities.get("ci1").resident_id == person_id
    actions = [(action, target) for _, action, target in _audit(container)]
    assert ("verification.view", verification_id) in actions
    assert ("verification.decide", verification_id) in actions


def test_linking_to_someone_not_among_the_candidates_changes_nothing(
        admin: FlaskClient, container: Container) -> None:
    from domain.verifications import VerificationStatus

    _import(admin)
    verification_id, _ = _held_verification(container)

    admin.post(f"/staff/verifications/{verification_id}/decision",
               data={"csrf_token": token(admin), "decision": "link", "link_to": "someone",
                     "confirmed": "yes"})
    refused = admin.post(f"/staff/verifications/{verification_id}/decision",
                         data={"csrf_token": token(admin), "decision": "reject", "reason": ""},
                         follow_redirects=True)

    assert "理由を入力してください" in refused.get_data(as_text=True)
    with container.uow() as uow:
        assert uow.verifications.get(verification_id).status is VerificationStatus.REVIEW


def test_serving_in_development_shows_the_demo_administrators_login(
        container: Container, capsys: pytest.CaptureFixture[str]) -> None:
    from application.access.actor import Actor
    from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
    from demo.seeding_town import DEMO_STAFF_PASSWORD
    from entrypoints.cli.serve import show_demo_login

    create_staff_member(CreateStaffMember(login_id="admin", display_name="管理 太郎",
                                          role="administrator", password=DEMO_STAFF_PASSWORD,
                                          actor=Actor.operator("test")),
                        uow=container.uow(), ids=container.ids(),
                        hasher=container.password_hasher(), clock=container.clock())
    show_demo_login(container, "http://127.0.0.1:8000/staff")
    assert capsys.readouterr().out == ""  # the test environment is not development

    container.config.environment.from_value("development")
    show_demo_login(container, "http://127.0.0.1:8000/staff")
    shown = capsys.readouterr().out
    assert "http://127.0.0.1:8000/staff" in shown and "admin" in shown
    assert DEMO_STAFF_PASSWORD in shown


def test_an_import_report_is_only_for_those_who_may_import(
        admin: FlaskClient, container: Container, app) -> None:  # type: ignore[no-untyped-def]
    job_id = _import(admin)
    make_staff(container, "worker", Role.CASE_WORKER)
    other = app.test_client()
    sign_in(other, "worker")

    assert other.get(f"/staff/jobs/{job_id}/report").status_code == 403
    assert other.get(f"/staff/jobs/{job_id}/status").status_code == 403
    assert "権限がありません" in other.get(f"/staff/jobs/{job_id}").get_data(as_text=True)
    assert other.get("/staff/jobs/unknown").status_code == 404


def test_an_integrators_look_at_and_decision_on_verifications_are_audited(
        admin: FlaskClient, container: Container, api_key) -> None:  # type: ignore[no-untyped-def]
    _import(admin)
    verification_id, person_id = _held_verification(container)
    headers = api_key("case_worker")

    assert admin.get("/api/v1/verifications", headers=headers).status_code == 200
    decided = admin.post(f"/api/v1/verifications/{verification_id}/decision", headers=headers,
                         json={"link_to": person_id})

    assert decided.status_code == 200
    trail = [(actor, action) for actor, action, _ in _audit(container)]
    assert ("api:test-case_worker", "verification.list") in trail  # the key, by its name
    assert ("api:test-case_worker", "verification.decide") in trail


def test_an_administrator_adds_staff_and_unlocks_a_locked_account(
        admin: FlaskClient, container: Container, app) -> None:  # type: ignore[no-untyped-def]
    added = admin.post("/staff/members", data={
        "csrf_token": token(admin), "login_id": "Sato", "display_name": "佐藤 次郎",
        "role": "case_worker", "password": "a long enough secret"})
    assert added.status_code == 302
    short = admin.post("/staff/members", data={
        "csrf_token": token(admin), "login_id": "ito", "display_name": "伊藤",
        "role": "viewer", "password": "short"})
    assert short.status_code == 422 and "12文字以上" in short.get_data(as_text=True)

    other = app.test_client()
    for _ in range(5):
        sign_in(other, "sato", "wrong password")
    assert sign_in(other, "sato", "a long enough secret").status_code == 422
    with container.uow() as uow:
        sato = uow.staff.get_by_login_id("sato")
    page = admin.get("/staff/members").get_data(as_text=True)
    assert "ロック中" in page
    admin.post(f"/staff/members/{sato.id}/unlock", data={"csrf_token": token(admin)})

    assert sign_in(other, "sato", "a long enough secret").status_code == 302
    actions = [action for _, action, _ in _audit(container)]
    assert "staff.create" in actions and "staff.unlock" in actions


def test_an_administrator_cannot_deactivate_themselves_but_can_others(
        admin: FlaskClient, container: Container) -> None:
    make_staff(container, "leaver", Role.VIEWER)
    with container.uow() as uow:
        boss, leaver = uow.staff.get_by_login_id("boss"), uow.staff.get_by_login_id("leaver")

    refused = admin.post(f"/staff/members/{boss.id}/deactivate",
                         data={"csrf_token": token(admin)}, follow_redirects=True)
    admin.post(f"/staff/members/{leaver.id}/deactivate", data={"csrf_token": token(admin)})

    assert refused.request.path == "/staff/members"  # redirected: a reload posts nothing
    assert "自分のアカウント" in refused.get_data(as_text=True)
    with container.uow() as uow:
        assert uow.staff.get(boss.id).active and not uow.staff.get(leaver.id).active


def test_a_card_with_a_mistyped_date_of_birth_shows_the_person_and_says_only_that_differs(
        admin: FlaskClient, container: Container) -> None:
    import datetime as dt

    from application.ports.identity import VerifiedIdentity
    from application.residents.registering_verification import register_verification
    from domain.channels import ChannelIdentity
    from domain.residents import PersonalFacts
    from domain.values import DateOfBirth
    from domain.verifications import VerificationStatus

    _import(admin)
    now = dt.datetime.now(dt.UTC)
    with container.uow() as uow:
        person = uow.residents.get_by_resident_number("000101")
        uow.channel_identities.add(ChannelIdentity.first_seen(
            id="ci9", channel="line", address="U" + "9" * 32, at=now))
        uow.commit()
    card = PersonalFacts(name=person.facts.name, address=person.facts.address,
                         date_of_birth=DateOfBirth(person.facts.date_of_birth.value
                                                   + dt.timedelta(days=9)),
                         sex=person.facts.sex)
    record = register_verification(
        VerifiedIdentity(facts=card, subject="sub-9", provider="dev_card", assurance="dev",
                         verified_at=now, identity_id="ci9", purpose="registration"),
        uow=container.uow(), ids=container.ids(), keyer=container.match_keyer())

    assert record.status is VerificationStatus.REVIEW
    assert record.reason == "氏名・住所・性別・読みは一致、生年月日が不一致（入力誤りの可能性）"
    review = admin.get(f"/staff/verifications/{record.id}").get_data(as_text=True)
    assert "000101" in review and "生年月日: 不一致" in review and "氏名: 一致" in review
    admin.post(f"/staff/verifications/{record.id}/decision",
               data={"csrf_token": token(admin), "decision": "link", "link_to": person.id,
                     "confirmed": "yes"})
    with container.uow() as uow:
        assert uow.verifications.get(record.id).resident_id == person.id


def test_the_staff_frame_names_the_town_with_its_prefecture_and_city(
        admin: FlaskClient, container: Container) -> None:
    container.config.town_full_name.from_value("岡山県総社市")

    page = admin.get("/staff/", follow_redirects=True).get_data(as_text=True)

    assert "岡山県総社市 窓口" in page
