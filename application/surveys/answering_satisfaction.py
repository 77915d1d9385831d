"""A tap on the satisfaction question's buttons (`survey:sat:<procedure>:<score>:<tag>`): the
answer, stored anonymously for the Japan month the question was asked (this one, or the last:
a question asked on the 31st may be answered on the 1st), in the inbound event's transaction
(ADR 0059). The desk is a `ProcedureHandler` with buttons of its own and no dialog, so the
router's prefix table routes its taps like any handler's.

A second tap, or a button of a question already answered this month, is told
「回答済みです。ありがとうございました。」 and changes nothing; two taps at once meet the unique
index, and the router's retry reads the first one's answer and says the same. A tag that is not
the tapping person's for this month or the last (a button copied from someone else's question,
or forged) is told 「この質問にはお答えいただけません。」 and nothing is stored."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable, Container, Sequence
from typing import Any

from application.channels.procedure_handlers import StartProcedure
from application.conversations.state import Conversation
from application.ports.clock import IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from application.surveys.asking_satisfaction import BENEFIT, CERTIFICATE
from application.surveys.respondents import RespondentKeys
from application.surveys.satisfaction import (
    ALREADY_ANSWERED,
    NOT_ASKED,
    POSTBACK_PREFIX,
    THANKS,
    Rating,
    parse_rating,
    previous_month,
)
from domain.channels import ChannelIdentity
from domain.surveys import SATISFACTION, SurveyAnswer, month_of

__all__ = ["SatisfactionDesk", "rated_in"]


def rated_in(procedures: Container[str]) -> Callable[[str], bool]:
    """The procedures the question may rate: a certificate request, a benefit application,
    and the procedures residents can start (those that ship, and the published ones)."""
    return lambda procedure_id: procedure_id in (CERTIFICATE, BENEFIT) or \
        procedure_id in procedures


class SatisfactionDesk:
    procedure_id = "survey:satisfaction"  # no procedure has it (a procedure id has no ":")
    postback_prefix = POSTBACK_PREFIX
    from_menu = False

    def __init__(self, keys: RespondentKeys,
                 rated: Callable[[str], bool] = lambda procedure_id: True) -> None:
        """`rated`: whether a procedure id is one the town runs (a forged button's is not)."""
        self.keys, self.rated = keys, rated

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime,
                    start: StartProcedure) -> list[OutgoingMessage] | None:
        rating = parse_rating(data)
        if rating is None or not self.rated(rating.procedure_id):
            return None  # answered as a stale button
        period = self._asked_in(rating, identity, month_of(now))
        if period is None:
            return [OutgoingMessage(text=NOT_ASKED)]
        key = self.keys.key(survey_id=SATISFACTION, procedure_id=rating.procedure_id,
                            person=identity.resident_id or identity.id)
        if uow.survey_answers.answered(SATISFACTION, rating.procedure_id, key, period):
            return [OutgoingMessage(text=ALREADY_ANSWERED)]
        uow.survey_answers.add(SurveyAnswer.satisfaction(
            id=ids.new_id(), procedure_id=rating.procedure_id, respondent_key=key,
            score=rating.score, channel=identity.channel, at=now, period=period))
        return [OutgoingMessage(text=THANKS)]

    def _asked_in(self, rating: Rating, identity: ChannelIdentity, month: str) -> str | None:
        """The month the question was asked to this person (their resident id, else this
        channel identity: as it was asked), None when it was not."""
        persons = [p for p in (identity.resident_id, identity.id) if p]
        for period in (month, previous_month(month)):
            for person in persons:
                tag = self.keys.asked(procedure_id=rating.procedure_id, person=person,
                                      period=period)
                if hmac.compare_digest(tag, rating.tag):
                    return period
        return None

    # -- no dialog of its own ----------------------------------------------------------------

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        return None

    def on_finish(self, conversation: Conversation, answers: dict[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        return list(said)

    def on_cancel(self, conversation: Conversation, *, uow: UnitOfWork,
                  now: dt.datetime) -> None:
        return None
