"""The synthetic variant town is deterministic, has the hard cases it promises, and writes the
card side in the notation variants real records show."""

import collections
import itertools

import pytest

from application.residents.normalization import normalize_address, normalize_name
from domain.residents import RegistryStatus
from tests.support.variant_town import generate_registry, generate_verified

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def registry():
    return list(generate_registry(10_000, seed=5))


@pytest.fixture(scope="module")
def verified(registry):
    return list(generate_verified(registry, 3_000, seed=6))


def test_the_same_seed_gives_the_same_town_and_another_seed_another():
    one = list(generate_registry(500, seed=1))

    assert one == list(generate_registry(500, seed=1))
    assert one != list(generate_registry(500, seed=2))
    assert list(generate_verified(one, 200, seed=3)) == list(generate_verified(one, 200, seed=3))


def test_the_registry_has_exactly_the_persons_asked_for_each_with_its_own_number(registry):
    assert len(registry) == 10_000
    assert len({p.resident_number for p in registry}) == 10_000


def test_a_household_shares_one_address_that_no_other_household_has(registry):
    households = collections.defaultdict(set)
    for person in registry:
        households[person.household_number].add(normalize_address(person.facts.address.text))

    assert all(len(addresses) == 1 for addresses in households.values())
    addresses = [next(iter(a)) for a in households.values()]
    assert len(set(addresses)) == len(addresses)


def test_twins_share_a_household_birthday_and_sex_but_never_a_given_name(registry):
    twins = collections.defaultdict(list)
    for person in registry:
        if person.trait == "twin":
            key = (person.household_number, person.facts.date_of_birth, person.facts.sex)
            twins[key].append(normalize_name(person.facts.name.name))

    assert twins
    assert all(len(names) == 2 and names[0] != names[1] for names in twins.values())


def test_duplicates_are_two_records_with_the_same_facts(registry):
    duplicates = [p for p in registry if p.trait == "duplicate"]
    by_facts = collections.Counter(p.facts for p in duplicates)

    assert duplicates
    assert set(by_facts.values()) == {2}


def test_namesakes_share_name_birthday_and_sex_with_someone_in_another_household(registry):
    people = collections.defaultdict(set)
    for person in registry:
        key = (person.facts.name.name, person.facts.date_of_birth, person.facts.sex)
        people[key].add(person.household_number)
    namesakes = [p for p in registry if p.trait == "namesake"]

    assert namesakes
    for person in namesakes:
        key = (person.facts.name.name, person.facts.date_of_birth, person.facts.sex)
        assert len(people[key]) >= 2


def test_some_registry_persons_moved_out_or_died(registry):
    statuses = collections.Counter(p.status for p in registry)

    assert 0.01 < statuses[RegistryStatus.MOVED_OUT] / len(registry) < 0.05
    assert 0.005 < statuses[RegistryStatus.DECEASED] / len(registry) < 0.03


def test_every_verification_knows_who_verified_and_whether_it_may_link(registry, verified):
    by_number = {p.resident_number: p for p in registry}
    cases = collections.Counter(v.case for v in verified)

    assert {"same", "twin", "namesake", "moved", "moved_out", "duplicate", "stale",
            "variant_unknown", "newcomer"} <= cases.keys()
    for v in verified:
        assert (v.truth is None) == (v.case == "newcomer")
        assert v.linkable == (v.case in {"same", "twin", "namesake"})
        if v.linkable:
            assert by_number[v.truth].living
            assert v.facts.date_of_birth == by_number[v.truth].facts.date_of_birth


def test_a_mover_has_a_new_address_on_the_card(registry, verified):
    by_number = {p.resident_number: p for p in registry}
    movers = [v for v in verified if v.case in {"moved", "moved_out"}]

    assert movers
    for v in movers:
        old = by_number[v.truth].facts.address.text
        assert normalize_address(v.facts.address.text) != normalize_address(old)


def test_the_card_writes_names_and_addresses_in_the_variants_real_records_show(registry,
                                                                            verified):
    by_number = {p.resident_number: p for p in registry}
    pairs = [(v.facts, by_number[v.truth].facts) for v in verified if v.case == "same"]
    card_names = [card.name.name for card, _ in pairs]
    card_addresses = [card.address.text for card, _ in pairs]

    assert any(card.name.name.replace("　", "") != reg.name.name.replace("　", "")
               for card, reg in pairs)  # 異体字 on one side
    assert any(" " in n for n in card_names) and any("　" not in n and " " not in n
                                                      for n in card_names)
    assert any(not a.startswith("神奈川県") for a in card_addresses)
    for mark in ("－", "‐", "ー", "−", "丁目", "番地の", "号室", "ヶ", "が"):
        assert any(mark in a for a in card_addresses), mark
    assert any(any(c in "０１２３４５６７８９" for c in a) for a in card_addresses)
    assert any(c in "一二三四五六七八九十" for c in itertools.chain(*card_addresses))
    assert any(card.name.kana and card.name.kana != reg.name.kana for card, reg in pairs)
