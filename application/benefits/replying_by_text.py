"""A reply typed on a channel without buttons (SMS): 「はい」 or 「いいえ」 answers the resident's
latest open benefit notice, as the notice's はい / いいえ button would.

The conversation engine takes a notice's answer as its button's postback (bnf:<id>:yes); a
channel without buttons has only text. So a text that says yes or no, from an identity with no
dialog open, whose verified resident heads a household with a notice still unanswered
(通知済み), becomes that notice's postback. With none open, a yes or no answers the notice just
applied for (申請受付, before the decision): its rules say it is received already and change
nothing, as a second tap on LINE does. Everything else stays the text it was (and gets the
menu, as on LINE). The notice's own rules decide the rest (answering_notice.py): who may
answer, the window, a second answer.
"""

from __future__ import annotations

import unicodedata

import attrs

from application.benefits.notices import ANSWER_NO, ANSWER_YES, NOTICE_PREFIX
from application.channels.inbound import InboundEvent, InboundKind
from application.ports.unit_of_work import UnitOfWork
from domain.benefits import ApplicationStatus

__all__ = ["as_notice_answer"]

_YES = {"はい", "ハイ", "yes", "y", "申請する", "申請します", "はい。"}
_NO = {"いいえ", "イイエ", "no", "n", "申請しない", "申請しません", "いいえ。"}


def _answer(text: str) -> str | None:
    said = unicodedata.normalize("NFKC", text).strip().lower()
    if said in _YES:
        return ANSWER_YES
    if said in _NO:
        return ANSWER_NO
    return None


def as_notice_answer(event: InboundEvent, *, uow: UnitOfWork) -> InboundEvent:
    """The event as the notice's button would have sent it, or the event unchanged."""
    answer = _answer(event.text) if event.kind is InboundKind.TEXT else None
    if answer is None:
        return event
    with uow:
        identity = uow.channel_identities.get_by_address(event.channel, event.address)
        if identity is None or identity.resident_id is None \
                or uow.conversations.current_for(identity.id) is not None:
            return event
        resident = uow.residents.get(identity.resident_id)
        if resident is None or not resident.household_number:
            return event
        household_id = uow.households.ids_by_numbers(
            [resident.household_number]).get(resident.household_number)
        if household_id is None:
            return event
        applications = uow.applications.of_household(household_id)
    # A notice still unanswered; else the one just applied for (申請受付, awaiting the decision):
    # a second 「はい」 is told it is received already, as a second tap on LINE is.
    answerable = ([a for a in applications if a.status is ApplicationStatus.NOTIFIED]
                  or [a for a in applications if a.status is ApplicationStatus.CONFIRMED])
    if not answerable:
        return event
    latest = max(answerable, key=lambda a: (a.notified_at is not None, a.notified_at))
    return attrs.evolve(event, kind=InboundKind.POSTBACK,
                        data=f"{NOTICE_PREFIX}{latest.id}:{answer}")
