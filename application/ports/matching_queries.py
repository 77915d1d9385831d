"""Matching a batch of verifications in the database (照合, ADR 0064): the clear cases decided
set-wise by a grouped join over the match-key indexes, the few others handed back with their
candidates for the rules in `application/residents/matching.py`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from attrs import field, frozen

from application.residents.matching import Candidate
from domain.residents import MatchKeys
from domain.verifications import VerificationStatus

__all__ = ["MatchScope", "MatchingQueries", "NearMisses", "SetwiseMatch"]


@frozen
class MatchScope:
    """Which stored verifications to match: these ids, or every one in these statuses (the
    open ones after a registry import). Both given: either."""

    verification_ids: tuple[str, ...] = field(default=(), converter=tuple)
    statuses: tuple[VerificationStatus, ...] = field(default=(), converter=tuple)


@frozen
class NearMisses:
    """The keys of the verifications that are not clear links, and every registry person
    sharing any key with one of them, each once, by resident id."""

    keys: Mapping[str, MatchKeys]
    candidates: Sequence[Candidate]


@frozen
class SetwiseMatch:
    """`links`: verification id → the one living registry person sharing both its person and
    its place key, where nobody else shares both. `near`: the rest of the scope, to decide by
    the rules."""

    links: Mapping[str, str]
    near: NearMisses


class MatchingQueries(Protocol):
    def match(self, scope: MatchScope) -> SetwiseMatch:
        """Each verification in scope joined with the registry persons sharing its person and
        place keys, counted per verification (exactly one, and living: a link); for the
        others, their keys and the persons sharing any key. All of it read from one state of
        the database (one statement per chunk of ids on SQLite; two on PostgreSQL, ADR 0077,
        in one snapshot)."""
        ...
