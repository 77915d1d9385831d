"""Writing a registry extract in bulk (ADR 0063), once the whole file is validated; each batch
is one transaction.

`write(batch)`: the batch's persons known already are read with one query, as plain values;
only those a row changes are read again as domain objects, which decide what the change means
(ADR 0083: a nightly extract changes few persons, and reading a million as domain objects was
most of a re-import's time). Each row comes with its match keys, its profile's attributes, an
id if it is new and its facts sealed as the store keeps them (`registry_preparing`, ADR 0080);
new and changed persons are written with one upsert (unchanged ones not at all). A 住民 row
waits, compactly, for its household; a 転出 or 死亡 row is written with its profile outside any
household.

`finish()`, once every row is in: households in batches (one query for those known, one for
where their members are now), each made what the file says (head first as 世帯主, then the
file's order) and written only if it changed, with its members' profiles and the household's
size; a member who was in another household leaves it. Then the persons who moved out or died
leave the households the file does not rebuild. A head who left a household the file does not
list is noted, not forced out of it (the domain cannot close a household yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from attrs import frozen

from application.ports.clock import IdGenerator
from application.ports.registry_store import (
    RegistryHousehold,
    RegistryPerson,
    RegistryProfile,
    RegistryStore,
)
from application.ports.unit_of_work import UnitOfWork
from application.residents.registry_preparing import PreparedRow
from application.residents.registry_rows import HEAD
from domain.residents import RegistryStatus, VerificationState

__all__ = ["RegistryWriter"]


@frozen
class _Member:
    """A 住民 row waiting for its household: who, as what, and their profile's attributes."""

    resident_id: str
    relationship: str
    is_head: bool
    profile: tuple[str, int, str]
    changed: bool  # the person was created or updated (their profile is written again)


class RegistryWriter:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], *, ids: IdGenerator,
                 now: dt.datetime, batch_size: int) -> None:
        self.uow_factory = uow_factory
        self.ids, self.now, self.batch_size = ids, now, batch_size
        self.created = self.updated = self.unchanged = 0
        self.households_created: set[str] = set()  # ids
        self.households_updated: set[str] = set()  # ids
        self.left_with_head: set[str] = set()  # numbers of households whose head left
        self.pending: dict[str, list[_Member]] = {}  # household number → its 住民 rows
        self.leaving: list[str] = []  # ids of persons known before who are no 住民 now
        self.refresh_residents: set[str] = set()  # out of a household, profile to recount
        self.refresh_households: set[str] = set()  # lost a member, not rebuilt: recount
        self.notes: list[str] = []

    # -- persons ---------------------------------------------------------------------------------

    def write(self, batch: Sequence[PreparedRow]) -> int:
        with self.uow_factory() as uow:
            self._persons(uow.registry, batch)
            uow.commit()
        return len(batch)

    def _persons(self, store: RegistryStore, batch: Sequence[PreparedRow]) -> None:
        stored = store.stored([prepared.resident_number for prepared in batch])
        # only a person the row changes is read as a domain object (ADR 0083)
        changing = {prepared.resident_number for prepared in batch
                    if (known := stored.get(prepared.resident_number)) is not None
                    and not prepared.same_as(known)}
        existing = store.residents(sorted(changing))
        persons: list[RegistryPerson] = []
        profiles: list[RegistryProfile] = []
        for prepared in batch:
            profile = prepared.profile
            known = stored.get(prepared.resident_number)
            if known is None:
                resident_id, changed = prepared.id, True
                self.created += 1
                persons.append(RegistryPerson(
                    id=resident_id, resident_number=prepared.resident_number,
                    household_number=prepared.household_number, registry_status=prepared.status,
                    verification_state=VerificationState.UNVERIFIED, reverify_reason=None,
                    facts=prepared.sealed, match_keys=prepared.keys, created_at=self.now))
            elif prepared.resident_number not in changing:  # the row says what is stored
                resident_id, changed = known[0], False
                self.unchanged += 1
            else:
                resident = existing[prepared.resident_number]
                resident_id = resident.id
                verification = (resident.verification_state, resident.reverify_reason)
                changed = resident.update_from_registry(
                    household_number=prepared.household_number, facts=prepared.facts(),
                    status=prepared.status, match_keys=prepared.keys)
                if changed:
                    self.updated += 1
                    persons.append(RegistryPerson.of(
                        resident, at=self.now, verification_changed=verification != (
                            resident.verification_state, resident.reverify_reason)))
                else:
                    self.unchanged += 1
            if known is not None and prepared.status is not RegistryStatus.RESIDENT:
                self.leaving.append(resident_id)
            if prepared.status is RegistryStatus.RESIDENT:
                self.pending.setdefault(prepared.household_number, []).append(
                    _Member(resident_id, prepared.relationship, prepared.is_head, profile,
                            changed))
            elif changed:
                profiles.append(RegistryProfile(resident_id, *profile, household_id=None,
                                                household_size=0))
        store.save_persons(persons)
        store.save_profiles(profiles)

    # -- households ------------------------------------------------------------------------------

    def finish(self, alive: Callable[[], None] = lambda: None) -> None:
        """`alive` is called after each batch of households (the job's progress: ADR 0081)."""
        rebuilt = set(self.pending)
        numbers = list(self.pending)
        for start in range(0, len(numbers), self.batch_size):
            with self.uow_factory() as uow:
                self._households(uow, numbers[start:start + self.batch_size], rebuilt)
                uow.commit()
            alive()
        self.pending = {}
        with self.uow_factory() as uow:
            self._leave(uow)
            if self.refresh_residents or self.refresh_households:
                # their households' sizes, as the households are now (ADR 0056)
                uow.resident_profiles.refresh_households(
                    resident_ids=sorted(self.refresh_residents),
                    household_ids=sorted(self.refresh_households))
            uow.commit()
        if self.left_with_head:
            self.notes.append(
                f"{len(self.left_with_head):,}世帯は世帯主が転出・死亡・別の世帯への移動で"
                "世帯を離れましたが、ファイルにその世帯の住民がいないため、"
                "世帯の記録はそのままにしています（確認してください）。")

    def _households(self, uow: UnitOfWork, numbers: Sequence[str], rebuilt: set[str]) -> None:
        store = uow.registry
        known = store.households(numbers)
        members_now = store.memberships(
            member.resident_id for number in numbers for member in self.pending[number])
        saved: list[RegistryHousehold] = []
        profiles: list[RegistryProfile] = []
        moved: dict[str, str] = {}  # resident id → the household they were in
        created: set[str] = set()  # households new in this batch: no members to clear
        for number in numbers:
            members = self.pending[number]
            head = next(member for member in members if member.is_head)
            wanted = ((head.resident_id, HEAD), *((m.resident_id, m.relationship)
                                                  for m in members if m is not head))
            household = known.get(number)
            if household is None:
                household_id, changed = self.ids.new_id(), True
                self.households_created.add(household_id)
                created.add(household_id)
            else:
                household_id = household.id
                changed = (household.head_resident_id != head.resident_id
                           or dict(household.members) != dict(wanted))
                if changed:
                    self.households_updated.add(household_id)
                    self.refresh_residents.update(
                        {resident_id for resident_id, _ in household.members}
                        - {resident_id for resident_id, _ in wanted})
            if changed:
                saved.append(RegistryHousehold(id=household_id, household_number=number,
                                               head_resident_id=head.resident_id,
                                               members=wanted))
            # a household another one took a member from: its members' size is written again
            for member in members:
                before = members_now.get(member.resident_id)
                if before is not None and before != household_id:
                    moved[member.resident_id] = before
                if changed or member.changed or household_id in self.households_updated:
                    profiles.append(RegistryProfile(member.resident_id, *member.profile,
                                                    household_id=household_id,
                                                    household_size=len(members)))
        self._left(uow, moved, rebuilt, leave=False)  # `save_households` takes them out
        store.save_households(saved, created=created)
        store.save_profiles(profiles)

    def _leave(self, uow: UnitOfWork) -> None:
        """Persons who moved out or died leave the households no 住民 row rebuilt."""
        for start in range(0, len(self.leaving), self.batch_size):
            memberships = uow.registry.memberships(self.leaving[start:start + self.batch_size])
            self._left(uow, memberships, set(), leave=True)
        self.leaving = []

    def _left(self, uow: UnitOfWork, memberships: dict[str, str], rebuilt: set[str], *,
              leave: bool) -> None:
        """These persons left these households (resident id → household id)."""
        if not memberships:
            return
        heads = uow.households.heads(sorted(set(memberships.values())))
        gone: dict[str, str] = {}
        for resident_id, household_id in memberships.items():
            household = heads.get(household_id)
            if household is None:
                continue
            if household.household_number in rebuilt:  # its own rebuild writes it
                self.households_updated.add(household_id)
                continue
            if resident_id == household.head_resident_id:
                self.left_with_head.add(household.household_number)
                if leave:
                    continue  # stays, noted; a head moving elsewhere cannot stay a member
            else:
                self.households_updated.add(household_id)
            gone[resident_id] = household_id
            self.refresh_households.add(household_id)
        if leave:
            uow.registry.leave_households(gone)
