"""A real town's registry extract writes addresses relative to the town (中央一丁目1番1号), the
card writes them whole (岡山県総社市中央一丁目1番1号): with the town's prefecture and city set,
the two match, on a real database; an address in another town never does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.ports.identity import VerifiedIdentity
from application.residents.importing_registry import ImportRegistry, import_registry
from application.residents.match_keys import HmacMatchKeyer
from application.residents.registering_verification import register_verification
from application.residents.town import Town
from domain.channels import ChannelIdentity
from domain.residents import PersonalFacts
from domain.values import Address, DateOfBirth, PersonName, Sex
from domain.verifications import VerificationStatus
from tests.fakes import FakeClock, SequentialIds, message_bus_on

pytestmark = pytest.mark.integration

SOJA = Town.of(prefecture="岡山県", city="総社市", code="332089")
SECRET = b"town-matching-test-secret-0123456789"
# (resident number, household, name, kana, born, sex, the extract's address without the town)
EXTRACT = (
    ("1001", "H1", "山田 太郎", "ヤマダ タロウ", "1960-04-01", "男", "中央一丁目1番1号"),
    ("2001", "H2", "鈴木 花子", "スズキ ハナコ", "1975-09-30", "女", "中央二丁目3番4号"),
    ("3001", "H3", "高橋 健太", "タカハシ ケンタ", "1988-12-24", "男", "井手1234番地"),
)


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory(engine), message_bus_on())


def _rows() -> Iterator[tuple[int, dict[str, Any]]]:
    for row, (number, household, name, kana, born, sex, address) in enumerate(EXTRACT, 1):
        yield row, {"resident_number": number, "household_number": household,
                    "relationship": "世帯主", "name": name, "kana": kana,
                    "date_of_birth": born, "sex": sex, "address": address,
                    "postal_code": "", "status": ""}


def _import(engine: Engine, keyer: HmacMatchKeyer) -> None:
    report = import_registry(ImportRegistry(), rows=_rows, uow_factory=lambda: _uow(engine),
                             ids=SequentialIds("r"), clock=FakeClock(), keyer=keyer)
    assert report.written and report.created == len(EXTRACT)


def _verify(engine: Engine, keyer: HmacMatchKeyer, n: int, *, name: str, kana: str,
            born: str, sex: Sex, address: str) -> VerificationStatus:
    now = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    with _uow(engine) as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(
            id=f"i{n}", channel="line", address=f"U{n:032d}", at=now))
        uow.commit()
    facts = PersonalFacts(name=PersonName(name=name, kana=None), address=Address(text=address),
                          date_of_birth=DateOfBirth(dt.date.fromisoformat(born)), sex=sex)
    verified = VerifiedIdentity(facts=facts, subject=f"s{n}", provider="dev_card",
                                assurance="development", verified_at=now,
                                identity_id=f"i{n}", purpose="registration")
    record = register_verification(verified, uow=_uow(engine), ids=SequentialIds(f"v{n}-"),
                                   keyer=keyer)
    return record.status


def _cards(prefix: str) -> list[dict[str, Any]]:
    return [{"name": name, "kana": kana, "born": born,
             "sex": Sex.MALE if sex == "男" else Sex.FEMALE, "address": prefix + address}
            for _number, _household, name, kana, born, sex, address in EXTRACT]


def test_an_extract_without_the_town_matches_cards_with_the_full_address(engine: Engine) -> None:
    keyer = HmacMatchKeyer(SECRET, SOJA)
    _import(engine, keyer)
    statuses = [_verify(engine, keyer, n, **card)
                for n, card in enumerate(_cards("岡山県総社市"), 1)]
    assert statuses == [VerificationStatus.LINKED] * len(EXTRACT)  # recall: all of them
    with _uow(engine) as uow:  # each linked to the person the extract lists, nobody else
        linked = {r.resident_number for r in uow.residents.by_ids(
            [f"r{n:06d}" for n in range(1, 10)]).values() if r.is_verified}
    assert linked == {"1001", "2001", "3001"}


def test_a_card_that_names_only_the_city_matches_as_well(engine: Engine) -> None:
    keyer = HmacMatchKeyer(SECRET, SOJA)
    _import(engine, keyer)
    assert _verify(engine, keyer, 1, **_cards("総社市")[0]) is VerificationStatus.LINKED


@pytest.mark.parametrize("elsewhere", ["岡山県倉敷市", "広島県府中市", "東京都総社市"])
def test_the_same_address_in_another_town_is_never_linked(engine: Engine, elsewhere: str) -> None:
    keyer = HmacMatchKeyer(SECRET, SOJA)
    _import(engine, keyer)
    statuses = [_verify(engine, keyer, n, **card) for n, card in enumerate(_cards(elsewhere), 1)]
    assert VerificationStatus.LINKED not in statuses


def test_without_the_town_set_the_extract_and_the_card_do_not_match(engine: Engine) -> None:
    keyer = HmacMatchKeyer(SECRET)  # the defect the settings fix: nobody is linked
    _import(engine, keyer)
    assert _verify(engine, keyer, 1, **_cards("岡山県総社市")[0]) is not VerificationStatus.LINKED


def test_a_card_whose_only_difference_is_the_date_of_birth_says_exactly_that(
        engine: Engine) -> None:
    keyer = HmacMatchKeyer(SECRET, SOJA)
    _import(engine, keyer)
    card = {**_cards("岡山県総社市")[0], "born": "1960-04-10"}  # 1960-04-01 in the registry

    assert _verify(engine, keyer, 1, **card) is VerificationStatus.REVIEW
    with _uow(engine) as uow:
        [held] = uow.queries.residents.verifications(VerificationStatus.REVIEW)
        people = uow.residents.by_ids(held.candidate_ids)
    assert held.reason == "氏名・住所・性別は一致、生年月日が不一致（入力誤りの可能性）"
    assert [p.resident_number for p in people.values()] == ["1001"]  # shown to staff
