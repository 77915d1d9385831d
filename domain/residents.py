"""Resident (住民): a person known to the town, from the registry, from verification, or both."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import define, field, frozen

from domain.aggregates import Aggregate
from domain.errors import InvalidValue
from domain.events import ResidentVerified
from domain.values import Address, DateOfBirth, PersonName, Sex

__all__ = [
    "MatchKeys",
    "PersonalFacts",
    "RegistryStatus",
    "Resident",
    "Verification",
    "VerificationState",
]


@frozen
class PersonalFacts:
    """The four basic facts (基本4情報): name, address, date of birth and sex."""

    name: PersonName
    address: Address
    date_of_birth: DateOfBirth
    sex: Sex


@frozen
class MatchKeys:
    """Keys for matching a person without reading their facts: keyed hashes of the normalized
    name, reading and address, each combined with the date of birth and sex. Equal keys mean
    equal normalized facts; the facts themselves stay encrypted."""

    person: str  # name + date of birth + sex
    place: str  # address + date of birth + sex
    reading: str | None = None  # kana + date of birth + sex, where the reading is known
    # name + address, without date of birth and sex: never links, but finds the person for
    # staff when the date of birth or sex was mistyped (None: keyed before it existed)
    name_place: str | None = None

    def __composite_values__(self) -> tuple[str, str, str | None, str | None]:
        """The keys as four columns (how a mapper stores a multi-column value)."""
        return self.person, self.place, self.reading, self.name_place


class VerificationState(enum.Enum):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REVERIFY = "reverify"  # verified once, but must verify again (address change, too old)


class RegistryStatus(enum.Enum):
    """Where the registry says the person stands (住民基本台帳)."""

    UNKNOWN = "unknown"  # not (yet) linked to a registry person
    RESIDENT = "resident"
    MOVED_OUT = "moved_out"  # 転出
    DECEASED = "deceased"  # 死亡
    REMOVED = "removed"  # no longer in the registry extract (kept for the record)

    @property
    def label(self) -> str:
        return {"unknown": "台帳未照合", "resident": "住民", "moved_out": "転出",
                "deceased": "死亡", "removed": "台帳から削除"}[self.value]


@frozen
class Verification:
    """The outcome of a card verification: never the certificate, never the My Number."""

    subject: str  # the provider's opaque subject id
    provider: str
    assurance: str
    verified_at: dt.datetime

    def __attrs_post_init__(self) -> None:
        if not self.subject or not self.provider:
            raise InvalidValue("本人確認の結果に識別子がありません。")


@define(slots=False, eq=False)
class Resident(Aggregate):
    id: str
    facts: PersonalFacts | None = None
    resident_number: str | None = None  # 宛名番号
    household_number: str | None = None  # 世帯番号
    registry_status: RegistryStatus = RegistryStatus.UNKNOWN
    verification_state: VerificationState = VerificationState.UNVERIFIED
    verification: Verification | None = None
    reverify_reason: str | None = None
    created_at: dt.datetime | None = field(default=None)
    match_keys: MatchKeys | None = None

    @classmethod
    def from_registry(
        cls, *, id: str, resident_number: str, household_number: str, facts: PersonalFacts,
        status: RegistryStatus = RegistryStatus.RESIDENT, at: dt.datetime,
        match_keys: MatchKeys | None = None,
    ) -> Resident:
        if not resident_number:
            raise InvalidValue("宛名番号がありません。")
        return cls(
            id=id, facts=facts, resident_number=resident_number,
            household_number=household_number, registry_status=status, created_at=at,
            match_keys=match_keys,
        )

    def update_from_registry(self, *, household_number: str, facts: PersonalFacts,
                             status: RegistryStatus, match_keys: MatchKeys | None) -> bool:
        """Apply a newer registry extract; returns whether anything changed. A changed address
        asks a verified resident to verify again (their card's certificate is revoked then)."""
        changed = (self.household_number, self.facts, self.registry_status, self.match_keys) != (
            household_number, facts, status, match_keys)
        if self.is_verified and self._moved(facts, match_keys):
            self.require_reverification("住所が変更されました。")
        self.household_number, self.facts = household_number, facts
        self.registry_status, self.match_keys = status, match_keys
        return changed

    def _moved(self, facts: PersonalFacts, match_keys: MatchKeys | None) -> bool:
        """An address written another way (三丁目 / 3丁目) is not a move: compare the
        normalized keys where both sides have them. The same address keyed anew (the town's
        prefecture and city set, the secret rotated) is not a move either."""
        if self.facts is not None and facts.address.text == self.facts.address.text:
            return False
        if self.match_keys is not None and match_keys is not None:
            return self.match_keys.place != match_keys.place
        return self.facts is not None and facts.address != self.facts.address

    def leave_registry(self) -> None:
        """The person is no longer in the extract: kept, marked, never deleted."""
        if self.registry_status is not RegistryStatus.REMOVED:
            self.registry_status = RegistryStatus.REMOVED

    @property
    def is_verified(self) -> bool:
        return self.verification_state is VerificationState.VERIFIED

    def verify(self, facts: PersonalFacts, verification: Verification) -> None:
        """Record a successful card verification. The registry's facts stay the registry's
        (the card's are kept with the verification record); a person the registry does not
        know yet takes the card's."""
        if self.facts is None:
            self.facts = facts
        self.verification = verification
        self.verification_state = VerificationState.VERIFIED
        self.reverify_reason = None
        self.record(ResidentVerified(resident_id=self.id))

    def require_reverification(self, reason: str) -> None:
        """Ask the resident to verify again (an address change was reported, or it is too old)."""
        if self.verification_state is VerificationState.UNVERIFIED:
            return
        self.verification_state = VerificationState.REVERIFY
        self.reverify_reason = reason

    def verification_is_current(self, *, now: dt.datetime, max_age: dt.timedelta) -> bool:
        return (
            self.is_verified
            and self.verification is not None
            and now - self.verification.verified_at <= max_age
        )
