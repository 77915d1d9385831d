"""照合 of many verifications at once: the clear links decided set-wise in the database, the
rules of `matching.decide` in Python only for the rest (ADR 0064).

The database counts, per verification, the registry persons sharing both its person key and its
place key (`MatchingQueries.match`): exactly one, and living, is a link — the same rule as
`decide`, whose other branches all need that count to be anything else. Those others (nobody,
several, a record no longer 住民) are a few percent of a town's verifications: the same
statement returns their keys and the persons sharing any key with them, and `decide_many` gives
the reason and the order staff see. The result is the decision `decide_many` gives over every
candidate ordered by resident id (a test checks it on a synthetic town)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from attrs import frozen

from application.collector import collector_paused
from application.ports.matching_queries import MatchingQueries, MatchScope
from application.residents.matching import LINKED, MatchDecision, decide_many
from domain.verifications import MatchOutcome

__all__ = ["BatchMatch", "match_batch"]


@frozen
class BatchMatch:
    """`links`: verification id → resident id, each an EXACT decision; `held`: the other
    verifications' decisions, for staff (reasons, candidates strongest first) or unmatched."""

    links: Mapping[str, str]
    held: Mapping[str, MatchDecision]

    def __len__(self) -> int:
        return len(self.links) + len(self.held)

    def decision(self, verification_id: str) -> MatchDecision:
        resident_id = self.links.get(verification_id)
        if resident_id is None:
            return self.held[verification_id]
        return MatchDecision(outcome=MatchOutcome.EXACT, resident_id=resident_id,
                             candidate_ids=(resident_id,), reason=LINKED)

    def decisions(self) -> Iterator[tuple[str, MatchDecision]]:
        for verification_id in (*self.links, *self.held):
            yield verification_id, self.decision(verification_id)


def match_batch(scope: MatchScope, *, queries: MatchingQueries) -> BatchMatch:
    """Decide every verification in `scope` (read only: the caller links and holds)."""
    # a town's batch makes tens of thousands of decisions beside the links: the collector
    # walked the process's heap again and again while they were made (ADR 0077)
    with collector_paused():
        found = queries.match(scope)
        return BatchMatch(links=found.links,
                          held=decide_many(found.near.keys, found.near.candidates))
