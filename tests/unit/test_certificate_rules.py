"""The town's certificate rules: fees and postage, items, and who may ask for whose."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.certificate_rules import (
    FeeSchedule,
    HouseholdRule,
    NotEligible,
    check_items,
    check_subject,
)
from domain.certificates import CertificateKind
from domain.errors import InvalidValue
from domain.residents import RegistryStatus, Verification
from domain.values import Money
from tests import builders

pytestmark = pytest.mark.unit

K = CertificateKind


def test_the_fee_is_the_fee_per_copy_times_the_copies_plus_one_postage() -> None:
    quote = FeeSchedule().quote(K.RESIDENT_RECORD, 2)
    assert (quote.fee_per_copy, quote.fee, quote.postage, quote.total) == (
        Money(300), Money(600), Money(110), Money(710))


def test_a_town_sets_its_own_fees_and_postage() -> None:
    fees = {**FeeSchedule().fees, K.INCOME: Money(350)}
    quote = FeeSchedule(fees=fees, postage=Money(140)).quote(K.INCOME, 3)
    assert quote.total == Money(350 * 3 + 140)


@pytest.mark.parametrize("copies", [0, 11, -1, True, 2.0])
def test_copies_outside_one_to_ten_are_refused(copies: object) -> None:
    with pytest.raises(InvalidValue, match="通数"):
        FeeSchedule().quote(K.RESIDENT_RECORD, copies)  # type: ignore[arg-type]


def test_a_schedule_without_a_fee_for_every_kind_is_refused() -> None:
    with pytest.raises(InvalidValue, match="課税証明書"):
        FeeSchedule(fees={k: Money(300) for k in K if k is not K.TAXATION})


def test_only_a_resident_record_has_items_to_choose() -> None:
    assert check_items(K.RESIDENT_RECORD, frozenset({"本籍", "続柄"})) == {"本籍", "続柄"}
    with pytest.raises(InvalidValue, match="指定できない"):
        check_items(K.INCOME, frozenset({"本籍"}))
    with pytest.raises(InvalidValue, match="個人番号"):
        check_items(K.RESIDENT_RECORD, frozenset({"個人番号"}))


# -- who may ask for whose -----------------------------------------------------------------------

def _verified(**overrides: object):  # type: ignore[no-untyped-def]
    person = builders.resident(**overrides)  # type: ignore[arg-type]
    person.verify(person.facts, Verification(subject="s", provider="dev_card", assurance="high",
                                             verified_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)))
    return person


def _family():  # type: ignore[no-untyped-def]
    parent = _verified(id="r1", resident_number="1")
    child = builders.resident(id="r2", resident_number="2", name="山田 花子")
    home = builders.household(head_resident_id="r1")
    home.add_member("r2", "子")
    return parent, child, home


def test_a_verified_resident_may_ask_for_their_own_certificate_of_any_kind() -> None:
    me = _verified()
    for kind in K:
        check_subject(kind, me, me, None, HouseholdRule())


def test_a_household_member_s_resident_record_income_and_tax_certificates_may_be_asked_for(
) -> None:
    parent, child, home = _family()
    for kind in (K.RESIDENT_RECORD, K.INCOME, K.TAXATION):
        check_subject(kind, parent, child, home, HouseholdRule())


def test_a_seal_registration_certificate_is_only_for_the_registrant() -> None:
    parent, child, home = _family()
    with pytest.raises(NotEligible, match="ご本人からの請求だけ"):
        check_subject(K.SEAL_REGISTRATION, parent, child, home, HouseholdRule())


def test_a_town_may_narrow_what_household_members_may_ask_for() -> None:
    parent, child, home = _family()
    rule = HouseholdRule(frozenset({K.RESIDENT_RECORD}))
    check_subject(K.RESIDENT_RECORD, parent, child, home, rule)
    with pytest.raises(NotEligible):
        check_subject(K.INCOME, parent, child, home, rule)


def test_someone_in_another_household_is_refused() -> None:
    parent, _child, home = _family()
    neighbour = builders.resident(id="r9", resident_number="9", household_number="H0002")
    with pytest.raises(NotEligible, match="同じ世帯"):
        check_subject(K.RESIDENT_RECORD, parent, neighbour, home, HouseholdRule())


def test_a_member_who_moved_out_is_refused() -> None:
    parent, child, home = _family()
    child.registry_status = RegistryStatus.MOVED_OUT
    with pytest.raises(NotEligible, match="窓口"):
        check_subject(K.RESIDENT_RECORD, parent, child, home, HouseholdRule())


def test_an_unverified_requester_is_refused_even_for_themselves() -> None:
    me = builders.resident()
    with pytest.raises(NotEligible, match="本人確認"):
        check_subject(K.RESIDENT_RECORD, me, me, None, HouseholdRule())
