"""Residents (住民), their card verification, and households (世帯) with their head (世帯主)."""

import datetime as dt

import pytest

from domain.errors import InvalidValue, InvariantViolated
from domain.events import ResidentVerified
from domain.households import Household
from domain.residents import (
    MatchKeys,
    PersonalFacts,
    RegistryStatus,
    Resident,
    Verification,
    VerificationState,
)
from domain.values import Address, DateOfBirth, PersonName, Sex

pytestmark = pytest.mark.unit

UTC = dt.UTC
IMPORTED_AT = dt.datetime(2025, 4, 1, 6, 0, tzinfo=UTC)
VERIFIED_AT = dt.datetime(2025, 5, 15, 9, 30, tzinfo=UTC)
MAX_AGE = dt.timedelta(days=365)


def some_facts(*, address: str = "東京都千代田区千代田1-1") -> PersonalFacts:
    return PersonalFacts(
        name=PersonName.of("山田 太郎", "やまだ たろう"),
        address=Address.of(address, "〒100-0001"),
        date_of_birth=DateOfBirth.parse("1985-04-01"),
        sex=Sex.parse("男"),
    )


def a_verification(*, at: dt.datetime = VERIFIED_AT) -> Verification:
    return Verification(subject="jpki-subject-1", provider="jpki", assurance="high",
                        verified_at=at)


def a_registry_resident() -> Resident:
    return Resident.from_registry(id="resident-1", resident_number="000123456",
                                  household_number="H-0001", facts=some_facts(), at=IMPORTED_AT)


def a_verified_resident(*, at: dt.datetime = VERIFIED_AT) -> Resident:
    resident = a_registry_resident()
    resident.verify(some_facts(), a_verification(at=at))
    resident.pull_events()
    return resident


def a_household() -> Household:
    return Household.found(id="household-1", household_number="H-0001",
                           head_resident_id="resident-1")


def relationships(household: Household) -> dict[str, str]:
    return {member.resident_id: member.relationship for member in household.members}


# --- Household ----------------------------------------------------------------------------------


def test_a_new_household_has_its_head_as_its_first_member():
    household = a_household()

    assert household.head_resident_id == "resident-1"
    assert household.member_ids == ["resident-1"]
    assert relationships(household) == {"resident-1": "世帯主"}


def test_a_household_number_is_kept_trimmed():
    household = Household.found(id="household-1", household_number=" H-0001 ",
                                head_resident_id="resident-1")

    assert household.household_number == "H-0001"


@pytest.mark.parametrize("number", ["", "   "])
def test_a_household_needs_a_household_number(number):
    with pytest.raises(InvalidValue) as caught:
        Household.found(id="household-1", household_number=number, head_resident_id="resident-1")

    assert "世帯番号" in caught.value.message


def test_members_join_a_household_with_their_relationship():
    household = a_household()

    household.add_member("resident-2", "妻")
    household.add_member("resident-3", "子")

    assert household.member_ids == ["resident-1", "resident-2", "resident-3"]
    assert relationships(household)["resident-3"] == "子"


@pytest.mark.parametrize("resident_id", ["resident-1", "resident-2"], ids=["head", "member"])
def test_a_resident_cannot_join_a_household_twice(resident_id):
    household = a_household()
    household.add_member("resident-2", "妻")

    with pytest.raises(InvariantViolated) as caught:
        household.add_member(resident_id, "子")

    assert "すでに世帯の一員" in caught.value.message
    assert household.member_ids == ["resident-1", "resident-2"]
    assert relationships(household)["resident-2"] == "妻"


def test_a_member_can_leave_a_household():
    household = a_household()
    household.add_member("resident-2", "妻")

    household.remove_member("resident-2")

    assert household.member_ids == ["resident-1"]


def test_the_head_cannot_be_removed_from_the_household():
    household = a_household()
    household.add_member("resident-2", "妻")

    with pytest.raises(InvariantViolated) as caught:
        household.remove_member("resident-1")

    assert "世帯主は世帯から外せません" in caught.value.message
    assert household.member_ids == ["resident-1", "resident-2"]
    assert household.head_resident_id == "resident-1"


def test_the_head_must_be_a_member_of_the_household():
    household = a_household()

    with pytest.raises(InvariantViolated) as caught:
        household.change_head("resident-9")

    assert "世帯の一員でなければなりません" in caught.value.message
    assert household.head_resident_id == "resident-1"
    assert relationships(household) == {"resident-1": "世帯主"}


def test_changing_the_head_updates_both_relationships_and_leaves_others_alone():
    household = a_household()
    household.add_member("resident-2", "妻")
    household.add_member("resident-3", "子")

    household.change_head("resident-2")

    assert household.head_resident_id == "resident-2"
    assert relationships(household) == {
        "resident-1": "世帯員",
        "resident-2": "世帯主",
        "resident-3": "子",
    }


def test_after_a_change_of_head_the_former_head_may_leave():
    household = a_household()
    household.add_member("resident-2", "妻")
    household.change_head("resident-2")

    household.remove_member("resident-1")

    assert household.member_ids == ["resident-2"]


def test_making_the_head_head_again_changes_nothing():
    household = a_household()

    household.change_head("resident-1")

    assert household.head_resident_id == "resident-1"
    assert relationships(household) == {"resident-1": "世帯主"}


# --- Resident -----------------------------------------------------------------------------------


def test_a_resident_from_the_registry_is_a_known_unverified_resident():
    resident = a_registry_resident()

    assert resident.resident_number == "000123456"
    assert resident.household_number == "H-0001"
    assert resident.facts == some_facts()
    assert resident.registry_status is RegistryStatus.RESIDENT
    assert resident.verification_state is VerificationState.UNVERIFIED
    assert resident.is_verified is False
    assert resident.created_at == IMPORTED_AT
    assert resident.pull_events() == []


def test_a_resident_from_the_registry_may_have_moved_out():
    resident = Resident.from_registry(
        id="resident-1", resident_number="000123456", household_number="H-0001",
        facts=some_facts(), status=RegistryStatus.MOVED_OUT, at=IMPORTED_AT,
    )

    assert resident.registry_status is RegistryStatus.MOVED_OUT


@pytest.mark.parametrize("number", ["", None])
def test_a_resident_from_the_registry_needs_a_resident_number(number):
    with pytest.raises(InvalidValue) as caught:
        Resident.from_registry(id="resident-1", resident_number=number,
                               household_number="H-0001", facts=some_facts(), at=IMPORTED_AT)

    assert "宛名番号" in caught.value.message


def test_a_verification_outcome_needs_the_subject_and_provider():
    with pytest.raises(InvalidValue):
        Verification(subject="", provider="jpki", assurance="high", verified_at=VERIFIED_AT)
    with pytest.raises(InvalidValue) as caught:
        Verification(subject="jpki-subject-1", provider="", assurance="high",
                     verified_at=VERIFIED_AT)

    assert "識別子" in caught.value.message


def test_verifying_a_resident_keeps_the_registry_facts_and_records_the_event():
    resident = a_registry_resident()
    card_facts = some_facts(address="東京都千代田区千代田2-2")
    verification = a_verification()

    resident.verify(card_facts, verification)

    assert resident.is_verified is True
    assert resident.verification_state is VerificationState.VERIFIED
    assert resident.facts == some_facts()  # the registry's, not the card's
    assert resident.verification == verification
    assert resident.pull_events() == [ResidentVerified(resident_id="resident-1")]
    assert resident.pull_events() == []


def test_a_verified_resident_can_be_asked_to_verify_again():
    resident = a_verified_resident()

    resident.require_reverification("住所変更の届出があったため")

    assert resident.verification_state is VerificationState.REVERIFY
    assert resident.is_verified is False
    assert resident.reverify_reason == "住所変更の届出があったため"


def test_an_unverified_resident_is_not_asked_to_reverify():
    resident = a_registry_resident()

    resident.require_reverification("住所変更の届出があったため")

    assert resident.verification_state is VerificationState.UNVERIFIED
    assert resident.reverify_reason is None


def test_verifying_again_clears_the_reason_for_reverification():
    resident = a_verified_resident()
    resident.require_reverification("住所変更の届出があったため")

    resident.verify(some_facts(), a_verification(at=VERIFIED_AT + dt.timedelta(days=3)))

    assert resident.verification_state is VerificationState.VERIFIED
    assert resident.reverify_reason is None


@pytest.mark.parametrize(
    ("age", "current"),
    [
        (dt.timedelta(0), True),
        (MAX_AGE - dt.timedelta(seconds=1), True),
        (MAX_AGE, True),
        (MAX_AGE + dt.timedelta(seconds=1), False),
    ],
    ids=["just-now", "almost-too-old", "exactly-max-age", "too-old"],
)
def test_a_verification_is_current_up_to_and_including_its_max_age(age, current):
    resident = a_verified_resident(at=VERIFIED_AT)

    assert resident.verification_is_current(now=VERIFIED_AT + age, max_age=MAX_AGE) is current


def test_an_unverified_resident_has_no_current_verification():
    resident = a_registry_resident()

    assert resident.verification_is_current(now=VERIFIED_AT, max_age=MAX_AGE) is False


def test_a_resident_asked_to_reverify_has_no_current_verification():
    resident = a_verified_resident()
    resident.require_reverification("住所変更の届出があったため")

    assert resident.verification_is_current(now=VERIFIED_AT, max_age=MAX_AGE) is False


def test_an_address_written_another_way_is_not_a_move() -> None:
    from domain.residents import MatchKeys

    resident = a_verified_resident()
    resident.match_keys = MatchKeys(person="p", place="same-place")

    resident.update_from_registry(household_number="H-0001",
                                  facts=some_facts(address="東京都千代田区千代田一丁目1番"),
                                  status=RegistryStatus.RESIDENT,
                                  match_keys=MatchKeys(person="p", place="same-place"))

    assert resident.verification_state is VerificationState.VERIFIED


def test_a_real_move_asks_a_verified_resident_to_verify_again() -> None:
    from domain.residents import MatchKeys

    resident = a_verified_resident()
    resident.match_keys = MatchKeys(person="p", place="old-place")

    resident.update_from_registry(household_number="H-0001",
                                  facts=some_facts(address="東京都千代田区丸の内2-2"),
                                  status=RegistryStatus.RESIDENT,
                                  match_keys=MatchKeys(person="p", place="new-place"))

    assert resident.verification_state is VerificationState.REVERIFY
    assert resident.reverify_reason == "住所が変更されました。"


def test_the_same_address_keyed_anew_is_not_a_move():
    """Setting the town's prefecture and city (or rotating the secret) re-keys the registry at
    its next import: the same address with a new place key must not ask anyone to verify
    again."""
    resident = a_verified_resident()
    resident.match_keys = MatchKeys(person="p1", place="a1")

    resident.update_from_registry(household_number=resident.household_number or "",
                                  facts=resident.facts, status=RegistryStatus.RESIDENT,
                                  match_keys=MatchKeys(person="p1", place="a2", name_place="n"))

    assert resident.is_verified
