"""照合 of a batch in the database (ADR 0064), one statement per scope:

    WITH counted AS (            -- per verification: the persons sharing both keys
      SELECT v.id, CASE WHEN count(r.id) = 1 AND max(r is 住民) = 1 THEN min(r.id) END AS linked
        FROM identity_verifications v LEFT JOIN residents r
          ON r.match_person = v.match_person AND r.match_place = v.match_place
       WHERE <scope> GROUP BY v.id),
    others AS (                  -- the few that are not a link, with their keys
      SELECT v.id, v.match_* FROM identity_verifications v JOIN counted c ON c.id = v.id
       WHERE c.linked IS NULL)
    SELECT id, linked, ... FROM counted WHERE linked IS NOT NULL          -- the links
    UNION ALL SELECT id, NULL, keys, ... FROM others                      -- the others' keys
    UNION ALL SELECT o.id, ..., r.* FROM others o JOIN residents r
                                         ON r.match_person = o.match_person   -- their candidates
    UNION ALL ... match_place ... UNION ALL ... match_reading ... UNION ALL ... match_name_place

Both databases materialize a CTE read more than once, so the grouped join runs once. That is
how SQLite matches.

PostgreSQL matches in two narrower steps instead (ADR 0077), each planned on its own:

    SELECT v.id, r.id, r.registry_status = 'resident'        -- 1. the join, a row a pair,
      FROM identity_verifications v LEFT JOIN residents r      --    counted here in one pass
        ON r.match_person = v.match_person AND r.match_place = v.match_place
     WHERE <scope>
    WITH others AS (SELECT id, match_* FROM identity_verifications  -- 2. the others' keys
                     WHERE id = ANY(:others)),
         arrays AS (SELECT array_agg(match_person) AS match_person, … FROM others)
    SELECT false, others.* FROM others
    UNION ALL SELECT true, r.id, r.match_*, r.registry_status         -- and their candidates
      FROM arrays JOIN residents r ON r.match_person = ANY(arrays.match_person)
        OR r.match_place = ANY(arrays.match_place) OR … match_reading … match_name_place

The grouped statement spent as long sorting and grouping the join (the sort spilled to disk
beside a parallel hash join) as joining, read its materialized CTE back, returned twelve columns
for every link, and looked the others' candidates up one index probe at a time, once per key.
Step 2 reads them in one bitmap scan of the four key indexes (`_near_misses`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    String,
    and_,
    any_,
    case,
    false,
    func,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from adapters.persistence.database import without_jit
from adapters.persistence.many import one_of
from adapters.persistence.orm.residents import identity_verifications, residents
from application.collector import collector_paused
from application.ports.matching_queries import MatchScope, NearMisses, SetwiseMatch
from application.residents.matching import Candidate
from domain.residents import MatchKeys, RegistryStatus

__all__ = ["SqlMatchingQueries"]

CHUNK = 500  # ids in one IN list
KEYS = ("match_person", "match_place", "match_reading", "match_name_place")


class SqlMatchingQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def match(self, scope: MatchScope) -> SetwiseMatch:
        postgresql = self.session.get_bind().dialect.name == "postgresql"
        if postgresql and not self.session.in_transaction():
            # both steps read one snapshot, as the single statement did (a caller that began
            # the transaction already keeps its own isolation)
            self.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        without_jit(self.session)  # compiling it for a million rows cost more than it saved
        with collector_paused():  # a town's batch: hundreds of thousands of rows at once
            return self._in_steps(scope) if postgresql else self._in_one(scope)

    def _in_one(self, scope: MatchScope) -> SetwiseMatch:
        """SQLite: one statement (a chunk of ids at a time)."""
        v = identity_verifications
        ids = list(dict.fromkeys(scope.verification_ids))
        wheres = [v.c.id.in_(ids[start:start + CHUNK]) for start in range(0, len(ids), CHUNK)]
        if scope.statuses:
            wheres.append(v.c.status.in_(list(scope.statuses)))
        links: dict[str, str] = {}
        keys: dict[str, MatchKeys] = {}
        candidates: dict[str, Candidate] = {}
        living = RegistryStatus.RESIDENT.value
        for where in wheres:
            # rows unpacked as tuples: a town's batch is hundreds of thousands of links
            for (id_, linked, person, place, reading, name_place, resident_id, r_person,
                 r_place, r_reading, r_name_place, status) in self.session.execute(
                    _statement(where)).all():  # fetched at once, not one row per call
                if linked is not None:
                    links[id_] = linked
                elif resident_id is None:
                    keys[id_] = MatchKeys(person, place, reading, name_place)
                elif resident_id not in candidates:
                    candidates[resident_id] = Candidate(
                        resident_id=resident_id,
                        keys=MatchKeys(r_person, r_place, r_reading, r_name_place),
                        living=status == living)
        return SetwiseMatch(links=links, near=NearMisses(
            keys=keys, candidates=sorted(candidates.values(), key=lambda c: c.resident_id)))

    def _in_steps(self, scope: MatchScope) -> SetwiseMatch:
        """PostgreSQL: the join counted here, then the others' keys and candidates."""
        v, r = identity_verifications, residents
        ids = list(dict.fromkeys(scope.verification_ids))
        either = ([one_of(self.session, v.c.id, ids)] if ids else []) + (
            [v.c.status.in_(list(scope.statuses))] if scope.statuses else [])
        links: dict[str, str] = {}
        others: set[str] = set()
        if either:
            result = self.session.execute(
                select(v.c.id, r.c.id, r.c.registry_status == RegistryStatus.RESIDENT)
                .select_from(v.outerjoin(r, and_(r.c.match_person == v.c.match_person,
                                                 r.c.match_place == v.c.match_place)))
                .where(or_(*either)))
            try:  # the driver's own tuples, at once: two strings and a bool need no Row
                pairs = result.cursor.fetchall()
            finally:
                result.close()
            for id_, resident_id, living in pairs:  # a verification's rows in any order
                if resident_id is None or not living or id_ in links:
                    others.add(id_)  # nobody, not 住民, or a second person
                else:
                    links[id_] = resident_id
            for id_ in others:  # its first person, if any, is no link either
                links.pop(id_, None)
        return SetwiseMatch(links=links, near=self._near_misses(others))

    def _near_misses(self, others: set[str]) -> NearMisses:
        """The keys of `others` and every registry person sharing any key with one of them,
        in one statement (step 2 above)."""
        keys: dict[str, MatchKeys] = {}
        candidates: dict[str, Candidate] = {}
        living = RegistryStatus.RESIDENT.value
        if others:
            for is_resident, id_, person, place, reading, name_place, status in \
                    self.session.execute(_near_misses_statement(one_of(self.session,
                                                             identity_verifications.c.id,
                                                             others))).all():
                found = MatchKeys(person, place, reading, name_place)
                if not is_resident:
                    keys[id_] = found
                elif id_ not in candidates:
                    candidates[id_] = Candidate(resident_id=id_, keys=found,
                                                living=status == living)
        return NearMisses(keys=keys, candidates=sorted(candidates.values(),
                                                       key=lambda c: c.resident_id))


def _near_misses_statement(of_others: Any) -> Any:
    """The verifications `of_others` with their keys, then the registry persons sharing a key
    with any of them, found through the four key indexes at once (a bitmap scan of each, OR-ed:
    each person read once, in the table's order). The keys go into one array per kind on the
    server, so the planner cannot size them and picks the indexes; given the arrays
    themselves it priced a sequential scan of the whole registry lower and took twice as long
    (400 against 200 ms for 24,000 others in a million persons)."""
    v, r = identity_verifications, residents
    others = select(v.c.id, *(v.c[k] for k in KEYS)).where(of_others).cte("others")
    arrays = select(*(func.array_agg(others.c[k]).label(k) for k in KEYS)).cte("arrays")
    string = String(32)
    return union_all(
        select(false(), others.c.id, *(others.c[k] for k in KEYS), null().cast(string)),
        select(true(), r.c.id, *(r.c[k] for k in KEYS), r.c.registry_status.cast(string))
        .select_from(arrays.join(r, or_(*(r.c[k] == any_(arrays.c[k]) for k in KEYS)))))


def _statement(where: Any) -> Any:
    v, r = identity_verifications, residents
    living = func.max(case((r.c.registry_status == RegistryStatus.RESIDENT, 1), else_=0))
    linked = case((and_(func.count(r.c.id) == 1, living == 1), func.min(r.c.id)), else_=None)
    counted = (select(v.c.id, linked.label("linked"))
               .select_from(v.outerjoin(r, and_(r.c.match_person == v.c.match_person,
                                                r.c.match_place == v.c.match_place)))
               .where(where).group_by(v.c.id).cte("counted"))
    others = (select(v.c.id, *(v.c[k] for k in KEYS))
              .join(counted, counted.c.id == v.c.id).where(counted.c.linked.is_(None))
              .cte("others"))
    string = String(32)
    no_keys = [null().cast(string)] * 4
    no_candidate = [null().cast(string)] * 6
    names = ("id", "linked", "person", "place", "reading", "name_place", "resident_id",
             "r_person", "r_place", "r_reading", "r_name_place", "registry_status")
    first = (counted.c.id, counted.c.linked, *no_keys, *no_candidate)
    parts = [
        select(*(column.label(name) for column, name in zip(first, names, strict=True)))
        .where(counted.c.linked.is_not(None)),
        select(others.c.id, null().cast(string), *(others.c[k] for k in KEYS), *no_candidate),
    ]
    # the status as stored (a plain string: the union's column has no enum type)
    status = r.c.registry_status.cast(string)
    for key in KEYS:
        parts.append(select(others.c.id, null().cast(string), *no_keys, r.c.id,
                            *(r.c[k] for k in KEYS), status)
                     .select_from(others.join(r, r.c[key] == others.c[key])))
    return union_all(*parts)
