"""The registry import's bulk reads and writes in SQLAlchemy Core (ADR 0063): one `IN` query to
read a batch, one `insert … on conflict … do update` (executemany) to write it. The encrypted
columns go through their column types, so the facts are encrypted as everywhere else.

The bulk writes are compiled once and handed to the driver's `executemany`, each value put
through its column type's own bind processor (ADR 0063, addendum): SQLAlchemy's handling of an
executemany's parameters, row by row, cost an eighth of a write's CPU on SQLite and a fifth of
the client's on PostgreSQL. A column whose values repeat through a batch (a status, the
batch's time) has each distinct value processed once: the type's own processors cost about 5
µs a person on SQLite, most of the writing process's Python for a new person (ADR 0084). The
parameters are built column by column, so a column without a processor costs no Python per
row (ADR 0086)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Text, and_, delete, insert, or_, select, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from adapters.persistence import key_indexes
from adapters.persistence.orm.residents import household_members, households, residents
from adapters.persistence.orm.segments import resident_profiles
from adapters.persistence.sqlite_writers import take_turn
from adapters.persistence.types import EncryptedJSON, EnumValue, UTCDateTime
from application.ports.registry_store import (
    FactsParts,
    RegistryHousehold,
    RegistryPerson,
    RegistryProfile,
    SealedFacts,
    StoredPerson,
)
from domain.residents import MatchKeys, PersonalFacts, RegistryStatus, Resident

__all__ = ["SqlRegistryStore"]

_CHUNK = 5000  # values per IN list (SQLite allows 32,766 bound parameters)
_PERSON_COLUMNS = ("household_number", "registry_status", "verification_state",
                   "reverify_reason", "facts", "match_person", "match_place", "match_reading",
                   "match_name_place")
_VERIFICATION_COLUMNS = ("verification_state", "reverify_reason")
_PROFILE_COLUMNS = ("area", "birth_month", "sex", "household_id", "household_size")
_REPEATING = (EnumValue, UTCDateTime)  # column types whose values repeat through a batch


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


class SqlRegistryStore:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._dialect = session.get_bind().dialect.name

    def _write(self) -> None:
        if self._dialect == "sqlite":
            take_turn(self.session)  # as a flush would, before SQLite's lock

    def _upsert(self, table: Any, key: str, columns: Sequence[str],
                rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        self._write()
        dialect_insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        statement = dialect_insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[key], set_={name: statement.excluded[name] for name in columns})
        self._executemany(statement, rows)

    def _executemany(self, statement: Insert, rows: list[dict[str, Any]]) -> None:
        """`statement` for every row (all with the keys of the first), compiled once for all; each
        value through its column's bind processor (encryption, enums, dates), as
        `session.execute` would, then the driver's `executemany`. Compiled on each call (half
        a millisecond against a batch's 160 ms); bind names are the table's column keys."""
        if not rows:
            return
        dialect = self.session.get_bind().dialect
        compiled = statement.compile(dialect=dialect, column_keys=list(rows[0]))
        if compiled.insert_prefetch or compiled.update_prefetch:  # a default made in Python
            self.session.execute(statement, rows)
            return
        table = statement.table.c  # type: ignore[attr-defined]
        names = list(compiled.positiontup or compiled.binds)
        processors = [_per_value(process) if process is not None
                      and isinstance(table[name].type, _REPEATING) else process
                      for name in names
                      for process in [table[name].type.dialect_impl(dialect)
                                      .bind_processor(dialect)]]
        # column by column (ADR 0086): the rows are taken apart and put together again in C,
        # and only a column with a processor is gone through in Python
        take = (itemgetter(*names) if len(names) > 1
                else lambda row: (row[names[0]],))  # a tuple either way
        columns: list[Sequence[Any]] = list(zip(*map(take, rows), strict=True))
        for index, process in enumerate(processors):
            if process is not None:
                columns[index] = list(map(process, columns[index]))
        params: list[Any] = list(zip(*columns, strict=True))
        if not compiled.positional:
            params = [dict(zip(names, values, strict=True)) for values in params]
        self.session.connection().exec_driver_sql(compiled.string, params)

    def sealer(self) -> Callable[[PersonalFacts], SealedFacts]:
        """The `facts` column's own encryption (ADR 0080)."""
        return cast(EncryptedJSON, residents.c.facts.type).sealer()

    def defer_key_indexes(self) -> bool:
        self._write()
        return key_indexes.defer(self.session.connection())

    def build_key_index(self) -> bool:
        self._write()
        return key_indexes.build(self.session.connection()) is not None

    def stored(self, resident_numbers: Sequence[str]) -> dict[str, StoredPerson]:
        """The facts decrypted as JSON, not read into value objects (ADR 0083)."""
        found: dict[str, StoredPerson] = {}
        c = residents.c
        opened = cast(EncryptedJSON, c.facts.type).opened
        for chunk in _chunks(list(resident_numbers)):
            for (number, resident_id, household_number, status, sealed, *keys) in (
                    self.session.execute(
                        select(c.resident_number, c.id, c.household_number, c.registry_status,
                               type_coerce(c.facts, Text), c.match_person, c.match_place,
                               c.match_reading, c.match_name_place)
                        .where(c.resident_number.in_(chunk)))):
                found[number] = (resident_id, household_number, status,
                                 None if sealed is None else _facts_parts(opened(sealed)),
                                 tuple(keys))
        return found

    def residents(self, resident_numbers: Sequence[str]) -> dict[str, Resident]:
        found: dict[str, Resident] = {}
        c = residents.c
        for chunk in _chunks(list(resident_numbers)):
            for row in self.session.execute(
                    select(c.id, c.resident_number, c.household_number, c.registry_status,
                           c.verification_state, c.reverify_reason, c.facts, c.created_at,
                           c.match_person, c.match_place, c.match_reading, c.match_name_place)
                    .where(c.resident_number.in_(chunk))):
                found[row.resident_number] = _resident(row)
        return found

    def save_persons(self, persons: Sequence[RegistryPerson]) -> None:
        """A person whose verification the import did not change keeps the one the row holds
        now (a card verification may have committed since the batch was read)."""
        self._upsert(residents, "resident_number", _PERSON_COLUMNS,
                     self._person_rows(p for p in persons if p.verification_changed))
        self._upsert(residents, "resident_number",
                     [name for name in _PERSON_COLUMNS if name not in _VERIFICATION_COLUMNS],
                     self._person_rows(p for p in persons if not p.verification_changed))

    @staticmethod
    def _person_rows(persons: Iterable[RegistryPerson]) -> list[dict[str, Any]]:
        return [
            {"id": p.id, "resident_number": p.resident_number,
             "household_number": p.household_number, "registry_status": p.registry_status,
             "verification_state": p.verification_state, "reverify_reason": p.reverify_reason,
             "facts": p.facts, "created_at": p.created_at,
             "match_person": p.match_keys.person, "match_place": p.match_keys.place,
             "match_reading": p.match_keys.reading, "match_name_place": p.match_keys.name_place}
            for p in persons]

    def save_profiles(self, profiles: Sequence[RegistryProfile]) -> None:
        self._upsert(resident_profiles, "resident_id", _PROFILE_COLUMNS, [
            {"resident_id": p.resident_id, "area": p.area[:64], "birth_month": p.birth_month,
             "sex": p.sex, "household_id": p.household_id, "household_size": p.household_size}
            for p in profiles])

    def households(self, household_numbers: Sequence[str]) -> dict[str, RegistryHousehold]:
        heads: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(list(household_numbers)):
            heads.update((row.id, (row.household_number, row.head_resident_id))
                         for row in self.session.execute(
                             select(households.c.id, households.c.household_number,
                                    households.c.head_resident_id)
                             .where(households.c.household_number.in_(chunk))))
        members: dict[str, list[tuple[str, str]]] = {household_id: [] for household_id in heads}
        m = household_members.c
        for chunk in _chunks(list(heads)):
            for row in self.session.execute(
                    select(m.household_id, m.resident_id, m.relationship)
                    .where(m.household_id.in_(chunk)).order_by(m.household_id, m.position)):
                members[row.household_id].append((row.resident_id, row.relationship))
        return {number: RegistryHousehold(id=household_id, household_number=number,
                                          head_resident_id=head,
                                          members=tuple(members[household_id]))
                for household_id, (number, head) in heads.items()}

    def memberships(self, resident_ids: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        m = household_members.c
        for chunk in _chunks(list(resident_ids)):
            found.update((row.resident_id, row.household_id) for row in self.session.execute(
                select(m.resident_id, m.household_id).where(m.resident_id.in_(chunk))))
        return found

    def save_households(self, saved: Sequence[RegistryHousehold], *,
                        created: Collection[str] = ()) -> None:
        if not saved:
            return
        self._write()
        ids = [household.id for household in saved if household.id not in created]
        member_ids = [resident_id for household in saved for resident_id, _ in household.members]
        for chunk in _chunks(ids):
            self.session.execute(
                delete(household_members).where(household_members.c.household_id.in_(chunk)))
        for chunk in _chunks(member_ids):  # one household a person: they leave the one before
            self.session.execute(
                delete(household_members).where(household_members.c.resident_id.in_(chunk)))
        self._upsert(households, "household_number", ("head_resident_id",), [
            {"id": h.id, "household_number": h.household_number,
             "head_resident_id": h.head_resident_id} for h in saved])
        self._executemany(insert(household_members), [
            {"household_id": h.id, "resident_id": resident_id, "relationship": relationship,
             "position": position}
            for h in saved for position, (resident_id, relationship) in enumerate(h.members)])

    def leave_households(self, memberships: Mapping[str, str]) -> None:
        if not memberships:
            return
        self._write()
        pairs = list(memberships.items())
        for start in range(0, len(pairs), 500):
            self.session.execute(delete(household_members).where(or_(*(
                and_(household_members.c.resident_id == resident_id,
                     household_members.c.household_id == household_id)
                for resident_id, household_id in pairs[start:start + 500]))))

    def remove_from_registry(self, resident_numbers: Sequence[str]) -> list[str]:
        removed: list[str] = []
        c = residents.c
        for chunk in _chunks(list(resident_numbers)):
            ids = list(self.session.scalars(
                select(c.id).where(c.resident_number.in_(chunk),
                                   c.registry_status != RegistryStatus.REMOVED)))
            if ids:
                self._write()
                self.session.execute(update(residents).where(c.id.in_(ids))
                                     .values(registry_status=RegistryStatus.REMOVED))
            removed += ids
        return removed


def _per_value(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`process`, run once for each distinct value (of one statement's rows)."""
    done: dict[Any, Any] = {}

    def processed(value: Any) -> Any:
        if value in done:
            return done[value]
        result = done[value] = process(value)
        return result

    return processed


def _facts_parts(data: dict[str, Any]) -> FactsParts:
    """`codecs.facts_to_json`'s JSON as `registry_store.plain_facts` gives the facts' parts."""
    return (data["name"], data.get("kana"), data["address"], data.get("postal_code"),
            dt.date.fromisoformat(data["date_of_birth"]).toordinal(), data["sex"])


def _resident(row: Any) -> Resident:
    """A detached copy (not in the session: the import writes it back in bulk)."""
    keys = (None if row.match_person is None and row.match_place is None else
            MatchKeys(person=row.match_person, place=row.match_place,
                      reading=row.match_reading, name_place=row.match_name_place))
    return Resident(id=row.id, facts=row.facts, resident_number=row.resident_number,
                    household_number=row.household_number, registry_status=row.registry_status,
                    verification_state=row.verification_state,
                    reverify_reason=row.reverify_reason, created_at=row.created_at,
                    match_keys=keys)
