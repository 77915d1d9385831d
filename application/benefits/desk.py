"""The benefit desk on the resident's channel (see application.channels.procedure_handlers):
the taps on a benefit notice's buttons (bnf:…), and the account dialog they may start (別の口座
にする), whose answers confirm the application with the new account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from application.benefits.account_dialog import BENEFIT_ACCOUNT
from application.benefits.answering_notice import answer_notice
from application.benefits.entering_account import finish_account_dialog
from application.benefits.notices import NOTICE_PREFIX, parse_notice_tap
from application.channels.procedure_handlers import StartProcedure
from application.conversations.state import Conversation
from application.ports.clock import IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity

__all__ = ["BenefitDesk"]


class BenefitDesk:
    procedure_id = BENEFIT_ACCOUNT.id
    postback_prefix = NOTICE_PREFIX
    from_menu = False  # started from a notice's button, for that notice's application

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        return None

    def on_finish(self, conversation: Conversation, answers: dict[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        return [*said, *finish_account_dialog(conversation.id, answers, uow=uow, now=now)]

    def on_cancel(self, conversation: Conversation, *, uow: UnitOfWork,
                  now: dt.datetime) -> None:
        application = uow.applications.get_by_account_conversation(conversation.id)
        if application is not None:
            application.leave_account_dialog(conversation.id)

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime,
                    start: StartProcedure) -> list[OutgoingMessage] | None:
        tap = parse_notice_tap(data)
        if tap is None:  # not a notice's shape (forged, or from an old version)
            return None
        return answer_notice(tap, identity, uow=uow, ids=ids, now=now, start=start)
