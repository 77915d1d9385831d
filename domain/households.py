"""Household (世帯): a household number, its head (世帯主) and its members."""

from __future__ import annotations

from attrs import define, field, frozen

from domain.aggregates import Aggregate
from domain.errors import InvalidValue, InvariantViolated

__all__ = ["Household", "HouseholdHead", "HouseholdMember"]


@define(slots=False, eq=False)
class HouseholdMember:
    resident_id: str
    relationship: str  # 続柄 as the registry writes it: 世帯主, 妻, 子, …


@define(slots=False, eq=False)
class Household(Aggregate):
    id: str
    household_number: str
    head_resident_id: str
    members: list[HouseholdMember] = field(factory=list)

    @classmethod
    def found(cls, *, id: str, household_number: str, head_resident_id: str) -> Household:
        """A new household with its head as the first member."""
        if not household_number or not household_number.strip():
            raise InvalidValue("世帯番号がありません。")
        household = cls(id=id, household_number=household_number.strip(),
                        head_resident_id=head_resident_id)
        household.members.append(HouseholdMember(resident_id=head_resident_id,
                                                 relationship="世帯主"))
        return household

    @property
    def member_ids(self) -> list[str]:
        return [member.resident_id for member in self.members]

    def add_member(self, resident_id: str, relationship: str) -> None:
        if resident_id in self.member_ids:
            raise InvariantViolated("この住民はすでに世帯の一員です。")
        self.members.append(HouseholdMember(resident_id=resident_id, relationship=relationship))

    def remove_member(self, resident_id: str) -> None:
        if resident_id == self.head_resident_id:
            raise InvariantViolated("世帯主は世帯から外せません。先に世帯主を変更してください。")
        self.members = [m for m in self.members if m.resident_id != resident_id]

    def change_head(self, resident_id: str) -> None:
        if resident_id not in self.member_ids:
            raise InvariantViolated("世帯主は世帯の一員でなければなりません。")
        for member in self.members:
            if member.resident_id == self.head_resident_id:
                member.relationship = "世帯員"
            if member.resident_id == resident_id:
                member.relationship = "世帯主"
        self.head_resident_id = resident_id


@frozen
class HouseholdHead:
    """A household's number and head, without its members (what a list of thousands needs)."""

    id: str
    household_number: str
    head_resident_id: str
