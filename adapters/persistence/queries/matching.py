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

Both databases materialize a CTE read more than once, so the grouped join runs once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, and_, case, func, null, select, union_all
from sqlalchemy.orm import Session

from adapters.persistence.database import without_jit
from adapters.persistence.orm.residents import identity_verifications, residents
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
        v = identity_verifications
        ids = list(dict.fromkeys(scope.verification_ids))
        wheres = [v.c.id.in_(ids[start:start + CHUNK]) for start in range(0, len(ids), CHUNK)]
        if scope.statuses:
            wheres.append(v.c.status.in_(list(scope.statuses)))
        links: dict[str, str] = {}
        keys: dict[str, MatchKeys] = {}
        candidates: dict[str, Candidate] = {}
        living = RegistryStatus.RESIDENT.value
        without_jit(self.session)  # compiling it for a million rows cost more than it saved
        for where in wheres:
            # rows unpacked as tuples: a town's batch is hundreds of thousands of links
            for (id_, linked, person, place, reading, name_place, resident_id, r_person,
                 r_place, r_reading, r_name_place, status) in self.session.execute(
                    _statement(where)):
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
