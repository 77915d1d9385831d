"""Match keys: how a person's facts are compared without being read."""

from __future__ import annotations

from typing import Protocol

from application.residents.comparing import FactComparison
from domain.residents import MatchKeys, PersonalFacts

__all__ = ["MatchKeyer"]


class MatchKeyer(Protocol):
    def keys_for(self, facts: PersonalFacts) -> MatchKeys:
        """Normalize the facts (name, reading, address; date of birth and sex as they are) and
        turn them into keyed hashes. Equal normalized facts give equal keys."""
        ...

    def compare(self, card: PersonalFacts, registry: PersonalFacts) -> FactComparison:
        """Which facts are the same, in the same normal forms as the keys."""
        ...
