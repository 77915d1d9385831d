"""Where a case is, as its page shows it: the place's text as the resident gave it (the answer
to the procedure's place question: an address, or 「緯度…, 経度…」) and the point kept on the case
for the map (ADR 0048)."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import frozen

from application.conversations.procedures import AnswerType, Procedure
from domain.cases import InboxCase

__all__ = ["CasePlace", "place_of"]


@frozen
class CasePlace:
    text: str  # "" when the answer is not found (a procedure changed since)
    latitude: float | None
    longitude: float | None

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def place_of(case: InboxCase, procedures: Mapping[str, Procedure]) -> CasePlace | None:
    """The case's place, or None when it has neither a point nor a place answer."""
    procedure = procedures.get(case.procedure_id)
    label = next((step.label for step in procedure.steps
                  if step.answer is AnswerType.LOCATION), None) if procedure else None
    text = next((str(pair[1]) for pair in case.answers
                 if label is not None and len(pair) == 2 and pair[0] == label), "")
    if not text and not case.has_point:
        return None
    return CasePlace(text=text, latitude=case.latitude, longitude=case.longitude)
