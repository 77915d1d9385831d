"""本人確認の記録: one verification with the card, and how it was matched to the registry.

A wrong link means paying the wrong person, so a verification links to a registry person only
when exactly one matches on every fact; anything else waits for staff, with the reason.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import define, field

from domain.aggregates import Aggregate
from domain.errors import IllegalTransition, InvalidValue
from domain.events import VerificationDecided
from domain.residents import MatchKeys, PersonalFacts

__all__ = ["IdentityVerification", "MatchOutcome", "VerificationStatus"]


class VerificationStatus(enum.Enum):
    LINKED = "linked"  # 照合済み
    REVIEW = "review"  # 職員の確認待ち
    UNMATCHED = "unmatched"  # 台帳に該当なし
    REJECTED = "rejected"  # 職員が照合しないと判断

    @property
    def label(self) -> str:
        return {"linked": "照合済み", "review": "確認待ち", "unmatched": "該当なし",
                "rejected": "照合しない"}[self.value]


class MatchOutcome(enum.Enum):
    EXACT = "exact"  # one registry person, every fact equal: linked
    AMBIGUOUS = "ambiguous"  # several registry people with every fact equal
    NEAR = "near"  # some facts equal, some not (a move, a variant spelling, a typo)
    NONE = "none"  # nobody in the registry comes close


@define(slots=False, eq=False)
class IdentityVerification(Aggregate):
    id: str
    identity_id: str  # the channel identity that verified (the resident's LINE account)
    provider: str
    subject: str  # the provider's opaque subject id; never the My Number
    assurance: str
    verified_at: dt.datetime
    facts: PersonalFacts
    match_keys: MatchKeys
    status: VerificationStatus = VerificationStatus.REVIEW
    outcome: MatchOutcome = MatchOutcome.NONE
    reason: str = ""  # why it waits for staff, in Japanese
    candidate_ids: list[str] = field(factory=list)  # registry people shown side by side
    resident_id: str | None = None
    decided_by: str | None = None  # staff id, when staff decided
    decided_at: dt.datetime | None = None

    def link(self, resident_id: str, *, outcome: MatchOutcome, by: str | None = None,
             at: dt.datetime | None = None) -> None:
        if self.status is VerificationStatus.LINKED:
            raise IllegalTransition("この本人確認はすでに照合済みです。", code="already_linked")
        if by is not None and resident_id not in self.candidate_ids:
            raise InvalidValue("候補にない住民とは照合できません。")
        self.status, self.outcome = VerificationStatus.LINKED, outcome
        self.resident_id = resident_id
        self.decided_by, self.decided_at = by, at
        self._decided()

    def hold_for_review(self, *, outcome: MatchOutcome, reason: str,
                        candidate_ids: list[str]) -> None:
        self.status = (VerificationStatus.UNMATCHED if outcome is MatchOutcome.NONE
                       else VerificationStatus.REVIEW)
        self.outcome, self.reason, self.candidate_ids = outcome, reason, list(candidate_ids)
        self._decided()

    def reject(self, *, by: str, at: dt.datetime, reason: str) -> None:
        if self.status is VerificationStatus.LINKED:
            raise IllegalTransition("照合済みの本人確認は却下できません。")
        if not reason or not reason.strip():
            raise InvalidValue("理由を入力してください。")
        self.status, self.reason = VerificationStatus.REJECTED, reason.strip()
        self.decided_by, self.decided_at = by, at
        self._decided()

    def _decided(self) -> None:
        """The resident is told the result on the identity they verified from."""
        self.record(VerificationDecided(verification_id=self.id, identity_id=self.identity_id,
                                        status=self.status.value))
