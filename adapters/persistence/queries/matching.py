"""照合 of a batch in the database (ADR 0064): the clear links by one grouped join over the
match-key indexes, the near misses' candidates by key look-ups a chunk at a time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from adapters.persistence.orm.residents import identity_verifications, residents
from application.ports.matching_queries import ClearLinks, MatchScope, NearMisses
from application.residents.matching import Candidate
from domain.residents import MatchKeys, RegistryStatus

__all__ = ["SqlMatchingQueries"]

CHUNK = 500  # ids in one IN list


class SqlMatchingQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def clear_links(self, scope: MatchScope) -> ClearLinks:
        """Per verification: the persons sharing both keys (a LEFT JOIN, so a verification
        nobody shares both with is counted 0), a link where the count is 1 and that one is
        住民. By ids: one statement per chunk; by status: one statement."""
        v = identity_verifications
        wheres = [v.c.id.in_(scope.verification_ids[start:start + CHUNK])
                  for start in range(0, len(scope.verification_ids), CHUNK)]
        if scope.statuses:
            wheres.append(v.c.status.in_(list(scope.statuses)))
        links: dict[str, str] = {}
        others: list[str] = []
        for where in wheres:
            for verification_id, resident_id in self.session.execute(_counted().where(where)):
                if resident_id is None:
                    others.append(verification_id)
                else:
                    links[verification_id] = resident_id
        if scope.verification_ids and scope.statuses:  # in both: one decision each
            seen = set(links)
            others = [i for i in dict.fromkeys(others) if i not in seen]
        return ClearLinks(links=links, others=others)

    def near_misses(self, verification_ids: Sequence[str]) -> NearMisses:
        v, r = identity_verifications, residents
        keys = {row.id: MatchKeys(row.match_person, row.match_place, row.match_reading,
                                  row.match_name_place)
                for row in self.session.execute(
                    select(v.c.id, v.c.match_person, v.c.match_place, v.c.match_reading,
                           v.c.match_name_place).where(v.c.id.in_(list(verification_ids))))}
        if not keys:
            return NearMisses(keys={}, candidates=[])
        criteria = [r.c.match_person.in_({k.person for k in keys.values()}),
                    r.c.match_place.in_({k.place for k in keys.values()})]
        readings = {k.reading for k in keys.values() if k.reading is not None}
        if readings:
            criteria.append(r.c.match_reading.in_(readings))
        name_places = {k.name_place for k in keys.values() if k.name_place is not None}
        if name_places:
            criteria.append(r.c.match_name_place.in_(name_places))
        rows = self.session.execute(
            select(r.c.id, r.c.match_person, r.c.match_place, r.c.match_reading,
                   r.c.match_name_place, r.c.registry_status)
            .where(or_(*criteria), r.c.match_person.is_not(None)).order_by(r.c.id))
        candidates = [
            Candidate(resident_id=row.id,
                      keys=MatchKeys(row.match_person, row.match_place, row.match_reading,
                                     row.match_name_place),
                      living=row.registry_status is RegistryStatus.RESIDENT)
            for row in rows]
        return NearMisses(keys=keys, candidates=candidates)


def _counted():  # type: ignore[no-untyped-def]
    """verification id, and the resident id where exactly one living person shares both keys
    (else NULL). Grouped by the verification: ambiguity is a count, not a loop."""
    v, r = identity_verifications, residents
    living = func.max(case((r.c.registry_status == RegistryStatus.RESIDENT, 1), else_=0))
    linked = case((and_(func.count(r.c.id) == 1, living == 1), func.min(r.c.id)), else_=None)
    return (select(v.c.id, linked.label("resident_id"))
            .select_from(v.outerjoin(r, and_(r.c.match_person == v.c.match_person,
                                             r.c.match_place == v.c.match_place)))
            .group_by(v.c.id))
