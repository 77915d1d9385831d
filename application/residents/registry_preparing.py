"""The registry import's work on each row, in chunks another process can take (ADR 0080).

The import reads the file once, in the process that writes; each chunk of rows is parsed once
(`read_chunk`, ADR 0084) by a `ChunkWorkers`, in worker processes or in this one: what the whole
file's check needs of each row, the row's errors, and each valid row prepared for writing (read
into value objects, keyed, its profile derived), packed for the spool that keeps it until the
file is checked. What crosses between processes is plain data (cells in, tuples out): pickling
the value objects themselves cost more than reading the cells again. A prepared row carries
what a new person is written with (an id, the keys, the profile, the facts sealed as the store
keeps them), so the writing process does little more per new person than write it;
`PreparedRow` reads it there.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from application.ports.clock import IdGenerator
from application.ports.matching import MatchKeyer
from application.ports.registry_store import SealedFacts, StoredPerson, plain_facts
from application.residents.profiles import profile_fields
from application.residents.registry_rows import (
    RegistryRow,
    RowError,
    Seen,
    is_head,
    parse_row,
    seen_of,
)
from domain.residents import MatchKeys, PersonalFacts, RegistryStatus
from domain.values import Address, DateOfBirth, PersonName, Sex

__all__ = ["CHUNK_ROWS", "PreparedRow", "chunked", "prepare_chunk", "read_chunk"]

CHUNK_ROWS = 2000  # rows a worker takes at once

Row = tuple[int, Mapping[str, Any]]
Seal = Callable[[PersonalFacts], PersonalFacts | SealedFacts]
# row, resident number, household number, relationship, status, a new id, the sealed facts
# (a token, or the facts a store keeps as they are); the facts' parts (name, kana, address,
# postal code, date of birth as an ordinal, sex); the four keys; area, birth month and sex
Prepared = tuple[int, str, str, str, str, str, "str | PersonalFacts", str, str | None, str,
                 str | None, int, str, str, str, str | None, str | None, str, int, str]


_STATUSES = {status.value: status for status in RegistryStatus}  # faster than calling the enum


def chunked(rows: Iterable[Row], size: int = CHUNK_ROWS) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def read_chunk(chunk: tuple[bool, Sequence[Row]], *, today: dt.date, keyer: MatchKeyer,
               seal: Seal, ids: IdGenerator, pack: Callable[[list[Prepared]], Any],
               ) -> tuple[list[Seen], list[RowError], Any]:
    """Each row parsed once (ADR 0084): what the whole file's check needs of it, its errors
    and, when the chunk comes with `True` (the import may still write), the valid rows
    prepared as `prepare_chunk` does, packed by `pack` (None otherwise)."""
    prepare, rows = chunk
    seen: list[Seen] = []
    errors: list[RowError] = []
    prepared: list[Prepared] = []
    for row, cells in rows:
        parsed = parse_row(row, cells, today=today)
        if not isinstance(parsed, RegistryRow):
            errors.extend(parsed)
        elif prepare:
            prepared.append(_prepared(parsed, keyer, seal, ids))
        seen.append(seen_of(row, cells, parsed))
    return seen, errors, pack(prepared) if prepare else None


def prepare_chunk(rows: Sequence[Row], *, today: dt.date, keyer: MatchKeyer, seal: Seal,
                  ids: IdGenerator) -> list[Prepared]:
    """Each valid row with its match keys, its profile, an id in case the person is new and
    its facts sealed as the store keeps them, as plain data (rows with errors are left out:
    the check reports them)."""
    return [_prepared(parsed, keyer, seal, ids) for row, cells in rows
            if isinstance(parsed := parse_row(row, cells, today=today), RegistryRow)]


def _prepared(parsed: RegistryRow, keyer: MatchKeyer, seal: Seal,
              ids: IdGenerator) -> Prepared:
    facts, keys = parsed.facts, keyer.keys_for(parsed.facts)
    sealed = seal(facts)
    return (parsed.row, parsed.resident_number, parsed.household_number, parsed.relationship,
            parsed.status.value, ids.new_id(),
            sealed.token if isinstance(sealed, SealedFacts) else sealed, *plain_facts(facts),
            keys.person, keys.place, keys.reading, keys.name_place, *profile_fields(facts))


class PreparedRow:
    """A valid row as `prepare_chunk` left it (and `read_chunk` packed it), read in the
    writing process: what a new person is written with, and `facts()`, the value objects, for
    a person already known (who is compared with them). Nothing is validated again but the
    facts when asked for."""

    __slots__ = ("household_number", "id", "is_head", "keys", "plain", "profile",
                 "relationship", "resident_number", "row", "sealed", "status")

    def __init__(self, plain: Prepared) -> None:
        self.plain = plain
        (self.row, self.resident_number, self.household_number, self.relationship, status,
         self.id, sealed) = plain[:7]
        self.status = _STATUSES[status]
        self.is_head = self.status is RegistryStatus.RESIDENT and is_head(self.relationship)
        self.sealed = SealedFacts(sealed) if isinstance(sealed, str) else sealed
        self.keys = MatchKeys(person=plain[13], place=plain[14], reading=plain[15],
                              name_place=plain[16])
        self.profile = plain[17:20]

    def same_as(self, stored: StoredPerson) -> bool:
        """Whether the person as stored is what this row says (ADR 0083): then the domain
        would find nothing to change, so no domain object is needed."""
        _id, household_number, status, facts, keys = stored
        plain = self.plain
        return (household_number == self.household_number and status is self.status
                and facts == plain[7:13] and keys == plain[13:17])

    def facts(self) -> PersonalFacts:
        name, kana, address, postal_code, born, sex = self.plain[7:13]
        return PersonalFacts(name=PersonName(name=name, kana=kana),
                             address=Address(text=address, postal_code=postal_code),
                             date_of_birth=DateOfBirth(dt.date.fromordinal(born)), sex=Sex(sex))
