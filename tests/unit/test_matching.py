"""A verification links to a registry person only when exactly one living person has the same
name and address (with the same birthday and sex); everything else waits for staff with the
reason, and a synthetic town with realistic variants links every linkable person and no one
else."""

import datetime as dt
import hashlib
import hmac
import re

import pytest

from application.residents.match_keys import HmacMatchKeyer
from application.residents.matching import Candidate, MatchDecision, decide, decide_many
from domain.residents import MatchKeys, PersonalFacts
from domain.values import Address, DateOfBirth, PersonName, Sex
from domain.verifications import MatchOutcome
from tests.support.variant_town import generate_registry, generate_verified

pytestmark = pytest.mark.unit

SECRET = b"a town's match key secret, 32 b."


def facts(name="高橋　太郎", kana="タカハシ　タロウ", address="神奈川県見本市本町3丁目5番12号",
          born=dt.date(1980, 4, 1), sex=Sex.MALE) -> PersonalFacts:
    return PersonalFacts(name=PersonName.of(name, kana), address=Address(address),
                         date_of_birth=DateOfBirth(born), sex=sex)


# --- keys ---------------------------------------------------------------------------------------


def test_the_card_and_the_registry_writing_one_person_differently_get_the_same_keys():
    keyer = HmacMatchKeyer(SECRET)
    registry = facts(name="髙橋　太郎", address="神奈川県見本市本町三丁目5番12号")
    card = facts(name="高橋 太郎", kana="タカハシタロウ", address="見本市本町３－５－１２")

    assert keyer.keys_for(card) == keyer.keys_for(registry)


def test_keys_are_128_bit_hex_and_the_reading_key_needs_a_reading():
    keys = HmacMatchKeyer(SECRET).keys_for(facts(kana=None))

    assert re.fullmatch("[0-9a-f]{32}", keys.person)
    assert re.fullmatch("[0-9a-f]{32}", keys.place)
    assert keys.reading is None
    assert len({keys.person, keys.place}) == 2


@pytest.mark.parametrize(("change", "person", "place", "reading"), [
    ({"born": dt.date(1980, 4, 2)}, False, False, False),
    ({"sex": Sex.FEMALE}, False, False, False),
    ({"name": "高橋　次郎", "kana": "タカハシ　ジロウ"}, False, True, False),
    ({"name": "髙橋　太郎"}, True, True, True),
    ({"name": "高梁　太郎"}, False, True, True),  # another name with the same reading
    ({"address": "神奈川県見本市本町4丁目5番12号"}, True, False, True),
    ({"kana": "タカハシタロウ"}, True, True, True),
    ({"kana": "タカハシ タロー"}, True, True, False),
])
def test_each_key_changes_exactly_when_its_facts_change(change, person, place, reading):
    keyer = HmacMatchKeyer(SECRET)
    before, after = keyer.keys_for(facts()), keyer.keys_for(facts(**change))

    assert (before.person == after.person, before.place == after.place,
            before.reading == after.reading) == (person, place, reading)


def test_a_key_is_the_documented_hmac_of_the_normalized_parts():
    keys = HmacMatchKeyer(SECRET).keys_for(facts(name="髙橋　太郎"))
    message = "p\x1f高橋太郎\x1f1980-04-01\x1f1".encode()

    assert keys.person == hmac.new(SECRET, message, hashlib.sha256).hexdigest()[:32]


def test_another_towns_secret_gives_other_keys():
    one = HmacMatchKeyer(SECRET).keys_for(facts())
    other = HmacMatchKeyer(b"another town's secret, 32 bytes!").keys_for(facts())

    assert {one.person, one.place} & {other.person, other.place} == set()


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="16 bytes"):
        HmacMatchKeyer(b"short")


# --- the decision -------------------------------------------------------------------------------


VERIFIED = MatchKeys(person="P", place="A", reading="K")


def someone(resident_id, person="p?", place="a?", reading=None, *, living=True) -> Candidate:
    return Candidate(resident_id=resident_id, living=living,
                     keys=MatchKeys(person=person, place=place, reading=reading))


def test_links_the_one_living_person_with_the_same_name_and_address():
    decision = decide(VERIFIED, by_person=[someone("r1", "P", "A")],
                      by_place=[someone("r1", "P", "A")])

    assert decision == MatchDecision(outcome=MatchOutcome.EXACT, resident_id="r1",
                                     candidate_ids=("r1",),
                                     reason="氏名・住所・生年月日・性別が一致")
    assert decision.links


def test_a_twin_at_the_same_address_does_not_stop_the_link_nor_get_linked():
    me, twin = someone("r1", "P", "A", "K"), someone("r2", "P2", "A", "K2")

    decision = decide(VERIFIED, by_person=[me], by_place=[me, twin], by_reading=[me])

    assert (decision.outcome, decision.resident_id) == (MatchOutcome.EXACT, "r1")


def test_a_namesake_elsewhere_does_not_stop_the_link():
    me, namesake = someone("r1", "P", "A"), someone("r2", "P", "A2")

    decision = decide(VERIFIED, by_person=[me, namesake], by_place=[me])

    assert (decision.outcome, decision.resident_id) == (MatchOutcome.EXACT, "r1")


def test_two_people_with_every_fact_equal_are_ambiguous_and_both_are_shown():
    one, two = someone("r1", "P", "A"), someone("r2", "P", "A")

    decision = decide(VERIFIED, by_person=[one, two], by_place=[one, two])

    assert decision.outcome is MatchOutcome.AMBIGUOUS
    assert decision.resident_id is None
    assert decision.candidate_ids == ("r1", "r2")
    assert decision.reason == "同じ氏名・住所・生年月日・性別の住民が2人います"


def test_a_living_person_and_a_moved_out_record_with_the_same_facts_are_ambiguous():
    living, moved_out = someone("r1", "P", "A"), someone("r2", "P", "A", living=False)

    decision = decide(VERIFIED, by_person=[living, moved_out], by_place=[living, moved_out])

    assert decision.outcome is MatchOutcome.AMBIGUOUS
    assert not decision.links


def test_a_full_match_that_is_no_longer_a_resident_waits_for_staff():
    decision = decide(VERIFIED, by_person=[someone("r1", "P", "A", living=False)])

    assert decision.outcome is MatchOutcome.NEAR
    assert decision.resident_id is None
    assert decision.candidate_ids == ("r1",)
    assert "住民ではない" in decision.reason


def test_same_name_at_another_address_is_a_possible_move():
    decision = decide(VERIFIED, by_person=[someone("r1", "P", "A-old")])

    assert (decision.outcome, decision.candidate_ids) == (MatchOutcome.NEAR, ("r1",))
    assert decision.reason == "氏名・生年月日・性別は一致、住所が不一致（転居の可能性）"


def test_same_address_and_reading_with_another_written_name_is_a_possible_variant():
    decision = decide(VERIFIED, by_place=[someone("r1", "P-variant", "A", "K")],
                      by_reading=[someone("r1", "P-variant", "A", "K")])

    assert decision.outcome is MatchOutcome.NEAR
    assert "氏名の読みは一致、氏名の表記が不一致" in decision.reason


def test_same_address_birthday_and_sex_with_another_name_is_still_shown():
    decision = decide(VERIFIED, by_place=[someone("r1", "P-other", "A", "K-other")])

    assert (decision.outcome, decision.candidate_ids) == (MatchOutcome.NEAR, ("r1",))
    assert decision.reason.startswith("住所・生年月日・性別は一致、氏名が不一致")


def test_only_the_reading_in_common_is_a_weak_near():
    decision = decide(VERIFIED, by_reading=[someone("r1", "P-other", "A-other", "K")])

    assert (decision.outcome, decision.candidate_ids) == (MatchOutcome.NEAR, ("r1",))
    assert "別人の可能性が高い" in decision.reason


def test_nobody_sharing_a_key_means_unmatched():
    decision = decide(VERIFIED)

    assert decision == MatchDecision(outcome=MatchOutcome.NONE, resident_id=None,
                                     candidate_ids=(), reason=decision.reason)
    assert "台帳にいません" in decision.reason


def test_a_candidate_sharing_no_key_is_ignored():
    assert decide(VERIFIED, by_person=[someone("r1")]).outcome is MatchOutcome.NONE


def test_an_unknown_reading_never_counts_as_the_same_reading():
    unknown = MatchKeys(person="P", place="A", reading=None)

    decision = decide(unknown, by_reading=[someone("r1", "P-other", "A-other", None)])

    assert decision.outcome is MatchOutcome.NONE


def test_candidates_are_shown_once_strongest_first_with_their_count():
    moved = someone("r3", "P", "A-old")
    variant = someone("r2", "P-variant", "A", "K")
    same_place = someone("r1", "P-other", "A")

    decision = decide(VERIFIED, by_person=[moved], by_place=[same_place, variant],
                      by_reading=[variant])

    assert decision.candidate_ids == ("r3", "r2", "r1")
    assert decision.reason == "氏名・生年月日・性別は一致、住所が不一致（転居の可能性）（候補3人）"


# --- many at once -------------------------------------------------------------------------------


def test_deciding_many_at_once_equals_deciding_each_alone():
    registry = [
        someone("r1", "P1", "A1", "K1"),
        someone("r2", "P2", "A2", "K2"), someone("r3", "P2", "A2", "K2"),
        someone("r4", "P4", "A4-old", "K4"),
        someone("r5", "P5", "A5", living=False),
        someone("r6", "P6-variant", "A6", "K6"),
        someone("r7", "P7", "A7", "K1"),
    ]
    verifications = {
        f"v{n}": MatchKeys(person=f"P{n}", place=f"A{n}", reading=f"K{n}") for n in range(1, 9)
    }

    decisions = decide_many(verifications, registry)

    assert decisions.keys() == verifications.keys()
    for verification_id, keys in verifications.items():
        alone = decide(
            keys,
            by_person=[c for c in registry if c.keys.person == keys.person],
            by_place=[c for c in registry if c.keys.place == keys.place],
            by_reading=[c for c in registry if c.keys.reading == keys.reading],
        )
        assert decisions[verification_id] == alone
    assert [decisions[f"v{n}"].outcome for n in range(1, 9)] == [
        MatchOutcome.EXACT, MatchOutcome.AMBIGUOUS, MatchOutcome.NONE, MatchOutcome.NEAR,
        MatchOutcome.NEAR, MatchOutcome.NEAR, MatchOutcome.EXACT, MatchOutcome.NONE,
    ]


def test_a_synthetic_town_links_every_linkable_person_and_nobody_else():
    """20,000 registry persons, 5,000 verifications with realistic variants and hard cases;
    candidates selected as the database would (sharing a key), matched in one batch."""
    keyer = HmacMatchKeyer(SECRET)
    registry = list(generate_registry(20_000, seed=11))
    verified = list(generate_verified(registry, 5_000, seed=12))
    keys = {str(n): keyer.keys_for(v.facts) for n, v in enumerate(verified)}
    wanted = ({k.person for k in keys.values()} | {k.place for k in keys.values()}
              | {k.reading for k in keys.values() if k.reading})
    candidates = [
        candidate for candidate in (
            Candidate(resident_id=p.resident_number, keys=keyer.keys_for(p.facts),
                      living=p.living) for p in registry)
        if {candidate.keys.person, candidate.keys.place, candidate.keys.reading} & wanted
    ]

    decisions = decide_many(keys, candidates)

    links = [(verified[int(n)], d) for n, d in decisions.items() if d.links]
    wrong = [(v, d) for v, d in links if not v.linkable or d.resident_id != v.truth]
    linkable = sum(v.linkable for v in verified)
    assert wrong == []  # precision 100%
    assert len(links) / linkable >= 0.995  # recall
    cases = {v.case for v in verified}
    assert {"twin", "namesake", "moved", "duplicate", "newcomer", "stale"} <= cases
