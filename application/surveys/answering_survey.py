"""A finished custom survey (a procedure with `survey`, ADR 0059): its answers are stored as the
survey's, once per person ever, instead of opening a case; the resident reads the procedure's
thank-you message. Anonymous unless the survey is named (then the resident's id is kept too);
the score is the answer of its scale question, if it has one. The finished conversation lets go
of the answers (they would stay with the person's chat account, and in its export)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from application.conversations.procedures import Procedure
from application.conversations.state import Conversation
from application.conversations.survey_field import score_step
from application.ports.clock import IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from application.surveys.respondents import RespondentKeys
from domain.channels import ChannelIdentity
from domain.surveys import ONCE, SurveyAnswer, score_of

__all__ = ["ALREADY_ANSWERED_SURVEY", "answer_survey"]

ALREADY_ANSWERED_SURVEY = "このアンケートには回答済みです。ありがとうございました。"


def answer_survey(procedure: Procedure, conversation: Conversation, answers: Mapping[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  keys: RespondentKeys, uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
    """The answer stored (the replies: the completion message), or nothing stored when this
    person answered before (the replies say so). Either way the conversation forgets them."""
    conversation.forget_answers()
    survey = procedure.survey
    assert survey is not None, "only a survey's answers are a survey's"
    key = keys.key(survey_id=procedure.id, procedure_id="",
                   person=identity.resident_id or identity.id)
    if uow.survey_answers.answered(procedure.id, "", key, ONCE):
        return [OutgoingMessage(text=ALREADY_ANSWERED_SURVEY)]
    scale = score_step(procedure.steps)
    uow.survey_answers.add(SurveyAnswer.custom(
        id=ids.new_id(), survey_id=procedure.id, respondent_key=key,
        answers={step.key: answers[step.key] for step in procedure.steps if step.key in answers},
        score=score_of(answers.get(scale.key)) if scale is not None else None,
        resident_id=identity.resident_id if survey.named else None,
        channel=identity.channel, at=now))
    return list(said)
