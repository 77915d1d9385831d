"""照合: whether a card verification is one registry person, and if not, why staff must look.

Only match keys are compared (see `match_keys`), never the facts. A wrong link means paying the
wrong person, so the rule is one-sided: link only when exactly one living registry person has
the same name and the same address (each with the same date of birth and sex) and nobody else
does. The reading is never needed for a link (the card's four facts carry none; where one is
known, a person typed it): it only helps staff see a variant spelling the table lacks.
Everything else goes to the staff review queue with the reason, strongest candidates first, or
is left unmatched when nobody comes close.

How persistence calls it (a join, never a loop over the registry)
-----------------------------------------------------------------
Keys are computed once, when a registry row is imported or a verification arrives, and stored in
indexed columns (`residents.match_person`, `match_place`, `match_reading`, `match_name_place`).
A batch of stored verifications (`matching_batch.match_batch`, ADR 0064) is decided set-wise:
one statement counts, per verification, the registry persons sharing both its person and place
keys (GROUP BY the verification: exactly one, and living, is a link; that is `decide`'s EXACT
branch), and returns, for the few others, their keys and every person sharing any key with them;
`decide_many` then gives those their reason and candidate order. One new verification
(`registering_verification`) selects its candidates by the same indexes and calls `decide`.
`decide_many` groups candidates by key in dicts and decides each verification from its groups:
O(number of verifications + candidates), whatever the size of the registry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from attrs import frozen

from domain.residents import MatchKeys
from domain.verifications import MatchOutcome

__all__ = ["Candidate", "MatchDecision", "decide", "decide_many"]

LINKED = "氏名・住所・生年月日・性別が一致"
SEVERAL = "同じ氏名・住所・生年月日・性別の住民が{count}人います"
NOT_LIVING = "氏名・住所・生年月日・性別は一致、台帳上は住民ではない（転出・死亡・削除）"
MOVED = "氏名・生年月日・性別は一致、住所が不一致（転居の可能性）"
VARIANT = "住所・生年月日・性別と氏名の読みは一致、氏名の表記が不一致（異体字の可能性）"
SAME_PLACE = "住所・生年月日・性別は一致、氏名が不一致（別人の可能性）"
TYPO = "氏名・住所は一致、生年月日か性別が不一致（入力誤りの可能性）"
SAME_READING = "氏名の読み・生年月日・性別のみ一致（別人の可能性が高い）"
NOBODY = "氏名・住所・氏名の読みのいずれも一致する住民が台帳にいません"
MORE = "（候補{count}人）"


@frozen
class Candidate:
    """A registry person that shares at least one key with a verification."""

    resident_id: str
    keys: MatchKeys
    living: bool  # the registry says 住民 (not moved out, deceased or removed)


@frozen
class MatchDecision:
    """What to do with one verification: link (EXACT, `resident_id` set) or hold it for staff
    with the registry people to show side by side and the reason, in Japanese."""

    outcome: MatchOutcome
    resident_id: str | None
    candidate_ids: tuple[str, ...]
    reason: str

    @property
    def links(self) -> bool:
        return self.outcome is MatchOutcome.EXACT


def decide(verified: MatchKeys, *, by_person: Sequence[Candidate] = (),
           by_place: Sequence[Candidate] = (), by_reading: Sequence[Candidate] = (),
           by_name_place: Sequence[Candidate] = ()) -> MatchDecision:
    """Decide one verification from the registry people sharing its person, place, reading or
    name-and-address key (a candidate may appear in several groups; a candidate sharing no key
    is ignored). The name-and-address key never links: it shows staff a person whose date of
    birth or sex differs from the card's (a typo on either side)."""
    unique: dict[str, Candidate] = {}
    for candidate in (*by_person, *by_place, *by_reading, *by_name_place):
        unique.setdefault(candidate.resident_id, candidate)

    both: list[Candidate] = []  # same name and address: the only ones that can link
    moved: list[Candidate] = []  # same name, another address
    variant: list[Candidate] = []  # same address and reading, name written another way
    same_place: list[Candidate] = []  # same address, another name
    same_reading: list[Candidate] = []  # only the reading in common
    typo: list[Candidate] = []  # same name and address, another date of birth or sex
    for candidate in unique.values():
        keys = candidate.keys
        person, place = keys.person == verified.person, keys.place == verified.place
        reading = verified.reading is not None and keys.reading == verified.reading
        name_place = verified.name_place is not None and keys.name_place == verified.name_place
        if person and place:
            both.append(candidate)
        elif person:
            moved.append(candidate)
        elif place:
            (variant if reading else same_place).append(candidate)
        elif name_place:
            typo.append(candidate)
        elif reading:
            same_reading.append(candidate)

    if len(both) > 1:
        return _review(MatchOutcome.AMBIGUOUS, SEVERAL.format(count=len(both)), both)
    if both:
        (found,) = both
        if not found.living:
            return _review(MatchOutcome.NEAR, NOT_LIVING, both)
        return MatchDecision(outcome=MatchOutcome.EXACT, resident_id=found.resident_id,
                             candidate_ids=(found.resident_id,), reason=LINKED)

    groups = [(TYPO, typo), (MOVED, moved), (VARIANT, variant), (SAME_PLACE, same_place),
              (SAME_READING, same_reading)]
    shown = [candidate for _reason, group in groups for candidate in group]
    if not shown:
        return MatchDecision(outcome=MatchOutcome.NONE, resident_id=None, candidate_ids=(),
                             reason=NOBODY)
    strongest = next(reason for reason, group in groups if group)
    return _review(MatchOutcome.NEAR, strongest, shown)


def decide_many(verifications: Mapping[str, MatchKeys],
                candidates: Iterable[Candidate]) -> dict[str, MatchDecision]:
    """Decide many verifications (id → keys) against the candidates the repository selected
    for all of them at once: candidates are grouped by key in dicts, then `decide` runs per
    verification. The result has one decision per verification id."""
    by_person: defaultdict[str, list[Candidate]] = defaultdict(list)
    by_place: defaultdict[str, list[Candidate]] = defaultdict(list)
    by_reading: defaultdict[str, list[Candidate]] = defaultdict(list)
    by_name_place: defaultdict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        keys = candidate.keys
        by_person[keys.person].append(candidate)
        by_place[keys.place].append(candidate)
        if keys.reading is not None:
            by_reading[keys.reading].append(candidate)
        if keys.name_place is not None:
            by_name_place[keys.name_place].append(candidate)
    none: tuple[Candidate, ...] = ()
    return {
        verification_id: decide(
            keys,
            by_person=by_person.get(keys.person, none),
            by_place=by_place.get(keys.place, none),
            by_reading=by_reading.get(keys.reading, none) if keys.reading is not None else none,
            by_name_place=(by_name_place.get(keys.name_place, none)
                           if keys.name_place is not None else none),
        )
        for verification_id, keys in verifications.items()
    }


def _review(outcome: MatchOutcome, reason: str, shown: Sequence[Candidate]) -> MatchDecision:
    if len(shown) > 1 and outcome is not MatchOutcome.AMBIGUOUS:
        reason += MORE.format(count=len(shown))
    return MatchDecision(outcome=outcome, resident_id=None,
                         candidate_ids=tuple(c.resident_id for c in shown), reason=reason)
