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

    @classmethod
    def from_registry(
        cls, *, id: str, resident_number: str, household_number: str, facts: PersonalFacts,
        status: RegistryStatus = RegistryStatus.RESIDENT, at: dt.datetime,
    ) -> Resident:
        if not resident_number:
            raise InvalidValue("宛名番号がありません。")
        return cls(
            id=id, facts=facts, resident_number=resident_number,
            household_number=household_number, registry_status=status, created_at=at,
        )

    @property
    def is_verified(self) -> bool:
        return self.verification_state is VerificationState.VERIFIED

    def verify(self, facts: PersonalFacts, verification: Verification) -> None:
        """Record a successful card verification with the facts the card carried."""
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
