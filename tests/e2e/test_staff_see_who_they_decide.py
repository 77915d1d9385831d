"""Staff see who they decide about (issue 13, item 11): the application page names the head of
household, their address and the account by bank and branch names, and decides; the list finds
a household by number or name; each page view of personal data is one audit record."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient

from domain.benefits import ApplicationStatus
from domain.residents import PersonalFacts
from domain.staff import Role
from domain.values import Address, DateOfBirth, PersonName, Sex
from entrypoints.containers import Container
from tests import builders
from tests.e2e.staff_support import make_staff, sign_in, token
from tests.e2e.test_staff_benefits import (
    BASE,
    NotDelivered,
    actions,
    create_program,
    open_program,
    paper,
    upload,
)

pytestmark = pytest.mark.e2e

HEADS = {  # 世帯番号 → (宛名番号, name, kana, postal code)
    "H0101": ("000000101", "窓口 花子", "マドグチ ハナコ", "7190001"),
    "H0102": ("000000102", "総社 一郎", "ソウジャ イチロウ", ""),
}


def _seed(container: Container) -> None:
    keyer = container.match_keyer()
    with container.uow() as uow:
        for n, (number, (resident_number, name, kana, postal)) in enumerate(HEADS.items()):
            facts = PersonalFacts(name=PersonName(name=name, kana=kana),
                                  address=Address(text="岡山県総社市中央一丁目1番1号",
                                                  postal_code=postal or None),
                                  date_of_birth=DateOfBirth(dt.date(1950, 1, n + 1)),
                                  sex=Sex.FEMALE)
            head = builders.resident(id=f"rh{n}", resident_number=resident_number,
                                     household_number=number)
            head.facts, head.match_keys = facts, keyer.keys_for(facts)
            uow.residents.add(head)
            uow.households.add(builders.household(id=f"hh{n}", household_number=number,
                                                  head_resident_id=head.id))
        uow.commit()


@pytest.fixture
def clerk(client: FlaskClient, container: Container) -> Iterator[FlaskClient]:
    container.outbox_notifier.override(providers.Object(NotDelivered()))
    _seed(container)
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    yield client
    container.outbox_notifier.reset_override()


def _program_with_paper_forms(client: FlaskClient, container: Container) -> tuple[str, str]:
    program_id = create_program(client, container)
    open_program(client, program_id)
    upload(client, program_id, "世帯番号\nH0101\nH0102\n")
    location = paper(client, program_id, "H0101").location
    paper(client, program_id, "H0102")
    return program_id, location.rsplit("/", 1)[-1]


def test_the_application_page_names_the_head_the_address_and_the_bank_by_name(
        clerk: FlaskClient, container: Container) -> None:
    _, application_id = _program_with_paper_forms(clerk, container)

    page = clerk.get(f"{BASE}/applications/{application_id}").get_data(as_text=True)

    head = page.split("data-head", 1)[1].split("</section>", 1)[0]
    assert "窓口 花子" in head and "マドグチ ハナコ" in head
    assert "〒719-0001 岡山県総社市中央一丁目1番1号" in head
    assert "/staff/residents/rh0" in head  # a link to the resident
    account = page.split("data-account", 1)[1].split("</dl>", 1)[0]
    assert "みずほ" in account and "東京営業部" in account  # names, the codes small beside
    assert re.search(r"みずほ銀行 <small[^>]*>0001</small>", account)
    assert "<dd>シケン タロウ</dd>" in account  # the holder as people read it, not ｼｹﾝ ﾀﾛｳ


def test_deciding_from_the_application_page_keeps_a_refused_form_and_redirects_after(
        clerk: FlaskClient, container: Container) -> None:
    program_id, application_id = _program_with_paper_forms(clerk, container)
    with container.uow() as uow:  # an account that still waits for its photo check
        uow.applications.get(application_id).passbook_photo = "line:photo-9"
        uow.commit()
    url = f"{BASE}/applications/{application_id}/decision"

    refused = clerk.post(url, data={"csrf_token": token(clerk), "program_id": program_id,
                                    "decision": "approve", "reason": "窓口で確認済み"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "通帳の写真で口座を確認してから支給決定してください。" in html
    assert 'value="窓口で確認済み"' in html  # what was typed is still there

    rejected = clerk.post(url, data={"csrf_token": token(clerk), "program_id": program_id,
                                     "decision": "reject", "reason": "対象外の世帯"})
    assert rejected.status_code in (302, 303)  # post/redirect/get
    assert rejected.headers["Location"].endswith(f"/applications/{application_id}")
    with container.uow() as uow:
        decided = uow.applications.get(application_id)
    assert (decided.status, decided.decision_reason) == (ApplicationStatus.REJECTED,
                                                         "対象外の世帯")


def test_the_list_shows_names_and_finds_a_household_by_number_or_by_name_and_birth(
        clerk: FlaskClient, container: Container) -> None:
    program_id, _ = _program_with_paper_forms(clerk, container)
    listed = f"{BASE}/programs/{program_id}/applications"

    everyone = clerk.get(listed).get_data(as_text=True)
    by_household = clerk.get(f"{listed}?household_number=H0102").get_data(as_text=True)
    by_resident = clerk.get(f"{listed}?resident_number=000000101").get_data(as_text=True)
    by_name = clerk.get(f"{listed}?name=まどぐち はなこ&date_of_birth=1950-01-01").get_data(
        as_text=True)
    name_alone = clerk.get(f"{listed}?name=窓口 花子")

    assert "窓口 花子" in everyone and "総社 一郎" in everyone and "ソウジャ イチロウ" in everyone
    assert "総社 一郎" in by_household and "窓口 花子" not in by_household
    assert "窓口 花子" in by_resident and "総社 一郎" not in by_resident
    assert "窓口 花子" in by_name and "総社 一郎" not in by_name
    assert name_alone.status_code == 422
    kept = name_alone.get_data(as_text=True)
    assert "生年月日も入力してください" in kept and 'value="窓口 花子"' in kept


def test_a_page_of_applications_is_one_audit_record_however_many_lines_it_shows(
        clerk: FlaskClient, container: Container) -> None:
    program_id, _ = _program_with_paper_forms(clerk, container)
    before = len(actions(container, action="application.list"))

    clerk.get(f"{BASE}/programs/{program_id}/applications")

    assert len(actions(container, action="application.list")) == before + 1
