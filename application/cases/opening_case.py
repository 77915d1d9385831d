"""The inbox's side of the resident's chat (the `ProcedureHandler` of every procedure without a
desk of its own): a finished procedure becomes a case in its department's inbox with a number
the resident can quote (a procedure with a fee: once the fee is paid, `case_fees.py`); while the
case holds the chat, what the resident writes goes to it instead of to the bot, and 「メニュー」
lets go. All in the inbound event's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from application.cases.case_fees import fee_waiting
from application.cases.case_messages import added_message, closed_message, opened_message
from application.cases.consultation_messages import still_waiting_message
from application.cases.routing import DEFAULT_ROUTES, CaseRoute, route_case
from application.channels.procedure_handlers import StartProcedure, Written
from application.conversations.catalogue import DRAFT, ProcedureCatalogue
from application.conversations.procedures import AnswerType, Procedure
from application.conversations.prompts import Prompter
from application.conversations.state import Conversation
from application.dates import in_japan
from application.ports.bank_master import BankMaster
from application.ports.clock import IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from application.surveys.answering_survey import answer_survey
from application.surveys.respondents import RespondentKeys
from domain.cases import CaseEntry, CaseEntryKind, InboxCase, case_number, sequence_of
from domain.channels import ChannelIdentity
from domain.errors import InvalidValue
from domain.places import Place

__all__ = ["FULL", "TRIED", "CaseDesk", "places_taken"]

TRIED = ("（試行）ここまでが住民の方の手順です。下書きを試しているため、受け付けはしていません"
         "（案件は作られません）。")
FULL = "申し訳ありません。お答えいただいている間に定員に達したため、受け付けられませんでした。"


def places_taken(uow: UnitOfWork, procedure_id: str) -> int:
    """What a procedure's capacity counts: its cases, and answers waiting for their fee (a
    place is kept while the resident pays)."""
    return uow.cases.count_of_procedure(procedure_id) + \
        uow.fee_payments.count_waiting(procedure_id)


class CaseDesk:
    procedure_id = ""  # every procedure without a desk of its own
    postback_prefix = "case:"  # none of its own buttons yet
    from_menu = True

    def __init__(self, procedures: ProcedureCatalogue | Mapping[str, Procedure],
                 banks: BankMaster, routes: Sequence[CaseRoute] = DEFAULT_ROUTES,
                 fee_pay_url: Callable[[str], str] | None = None,
                 respondents: RespondentKeys | None = None) -> None:
        """`respondents`: the survey digests' key (a survey's answers open no case)."""
        self.respondents = respondents
        self.procedures = (procedures if isinstance(procedures, ProcedureCatalogue)
                           else ProcedureCatalogue(procedures))
        self.banks, self.routes = banks, tuple(routes)
        self.fee_pay_url = fee_pay_url  # a fee's id → the signed link to pay it

    # -- the ProcedureHandler port -----------------------------------------------------------

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        return None

    def on_cancel(self, conversation: Conversation, *, uow: UnitOfWork,
                  now: dt.datetime) -> None:
        return None

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime,
                    start: StartProcedure) -> list[OutgoingMessage] | None:
        return None

    def on_finish(self, conversation: Conversation, answers: dict[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        """The case, in its department's inbox; the completion message with its number. A
        guide (a procedure that submits nothing) and a draft being tried open none; a
        procedure with a fee: the fee to pay first, instead of the completion message."""
        if conversation.procedure_version == DRAFT:
            return [*said, OutgoingMessage(text=TRIED)][-5:]
        procedure = self.procedures.of(conversation)
        if procedure is None:
            raise KeyError(conversation.procedure_id)
        if not procedure.submits:
            return list(said)
        if procedure.survey is not None and self.respondents is not None:
            return answer_survey(procedure, conversation, answers, identity, said=said,
                                 uow=uow, ids=ids, now=now, keys=self.respondents)
        if procedure.capacity is not None and \
                places_taken(uow, procedure.id) >= procedure.capacity:
            return [OutgoingMessage(text=FULL)]  # filled while they were answering
        due = procedure.fee.due(answers) if procedure.fee is not None else None
        if due is not None and due.total.yen > 0 and self.fee_pay_url is not None:
            return [*said[:-1], *fee_waiting(
                procedure, due, answers, identity_id=identity.id,
                resident_id=identity.resident_id, conversation_id=conversation.id, uow=uow,
                ids=ids, now=now, pay_url=self.fee_pay_url)]
        case = self.open_case(conversation, answers, identity, uow=uow, ids=ids, now=now)
        return [*said[:-1], OutgoingMessage(text=f"{said[-1].text}\n{opened_message(case.number)}"
                                            if said else opened_message(case.number))]

    def open_case(self, conversation: Conversation, answers: Mapping[str, Any],
                  identity: ChannelIdentity, *, uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> InboxCase:
        """A finished procedure's case, routed, numbered and holding the chat (a consultation
        opens its case here too)."""
        return self.open(conversation.procedure_id, answers, identity_id=identity.id,
                         resident_id=identity.resident_id, conversation_id=conversation.id,
                         procedure_version=conversation.procedure_version,
                         uow=uow, ids=ids, now=now)

    def open(self, procedure_id: str, answers: Mapping[str, Any], *, identity_id: str,
             resident_id: str | None, conversation_id: str | None, uow: UnitOfWork,
             ids: IdGenerator, now: dt.datetime,
             procedure_version: int | None = None) -> InboxCase:
        """The case of these answers, routed as the version they answered says (a paid fee's
        case is opened here, after the chat; if its procedure is gone since, with the answers
        as given: the money is never refused)."""
        procedure = self._procedure(procedure_id, procedure_version)
        for earlier in uow.cases.all_holding_chat(identity_id):  # the new one holds the chat
            earlier.let_go_of_chat()
        built_route = self.procedures.route(procedure_id, procedure_version)
        department = route_case(procedure_id, answers, uow.departments.all(),
                                (built_route,) if built_route else self.routes)
        case = InboxCase.opened(
            id=ids.new_id(), number=self._next_number(uow, now),
            department_id=department.id if department else None, procedure_id=procedure_id,
            title=self._title(procedure, answers) if procedure else procedure_id[:200],
            identity_id=identity_id,
            answers=(self._shown(procedure, answers) if procedure
                     else [(key, str(value)) for key, value in answers.items()]),
            photos=_photos(procedure, answers) if procedure else [],
            place=_place(procedure, answers) if procedure else None,
            at=now, resident_id=resident_id, conversation_id=conversation_id)
        uow.cases.add(case)
        return case

    # -- the chat ----------------------------------------------------------------------------

    def written(self, identity: ChannelIdentity, *, text: str = "", photo_ref: str | None = None,
                uow: UnitOfWork, ids: IdGenerator, now: dt.datetime) -> Written | None:
        """What the resident wrote outside a dialog, when a case holds their chat (None: the
        bot answers as usual). A closed case lets go of the chat and says so, once."""
        case = uow.cases.holding_chat(identity.id)
        if case is None:
            return None
        if not case.status.is_open:
            case.let_go_of_chat()
            return Written((OutgoingMessage(text=closed_message(case.number)),), offer_menu=True)
        uow.case_entries.add(CaseEntry(id=ids.new_id(), case_id=case.id,
                                       kind=CaseEntryKind.RESIDENT, text=text[:2000], at=now,
                                       photo_ref=photo_ref))
        first = case.resident_wrote(now)
        consultation = uow.consultations.get(case.id)
        if consultation is not None:  # 相談: live, told once while waiting, then not at all
            return Written((OutgoingMessage(text=still_waiting_message()),)
                           if first and consultation.waiting else ())
        return Written((OutgoingMessage(text=added_message(case.number)),) if first else ())

    @staticmethod
    def let_go(identity: ChannelIdentity, *, uow: UnitOfWork) -> None:
        """「メニュー」: the bot is back for this resident."""
        for case in uow.cases.all_holding_chat(identity.id):
            case.let_go_of_chat()

    def completion(self, procedure_id: str, procedure_version: int | None,
                   answers: Mapping[str, Any]) -> str:
        """The procedure's completion message with these answers (said once a fee is paid)."""
        procedure = self._procedure(procedure_id, procedure_version)
        if procedure is None:
            return ""
        return Prompter(procedure, self.banks).fill(procedure.completion_message, dict(answers))

    # -- helpers -----------------------------------------------------------------------------

    def _procedure(self, procedure_id: str, version: int | None) -> Procedure | None:
        """The version answered (a built one), else what runs now."""
        if version is not None:
            return self.procedures.version(procedure_id, version)
        return self.procedures.get(procedure_id)

    @staticmethod
    def _next_number(uow: UnitOfWork, now: dt.datetime) -> str:
        """The year's next 受付番号. Two at once meet the unique index: the router's retry
        reads again and takes the next."""
        year = in_japan(now).year
        latest = uow.cases.latest_number(f"{year:04d}-")
        return case_number(year, (sequence_of(latest) if latest else 0) + 1)

    def _title(self, procedure: Procedure, answers: Mapping[str, Any]) -> str:
        """The procedure's title and its first choice (お問い合わせ（道路・公園）)."""
        prompter = Prompter(procedure, self.banks)
        chosen = next((prompter.display(step, dict(answers)) for step in procedure.steps
                       if step.answer is AnswerType.CHOICE and step.key in answers), "")
        return f"{procedure.title}（{chosen}）"[:200] if chosen else procedure.title[:200]

    def _shown(self, procedure: Procedure, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The answers as staff read them, in the order asked (photos are shown apart)."""
        prompter = Prompter(procedure, self.banks)
        return [(step.label, prompter.display(step, dict(answers))) for step in procedure.steps
                if step.key in answers and step.answer is not AnswerType.PHOTO]


def _photos(procedure: Procedure, answers: Mapping[str, Any]) -> list[str]:
    """Every photo answered, in the order asked: a several-photo question's answer is a list
    of references (ADR 0045), a one-photo question's a single reference."""
    refs: list[str] = []
    for step in procedure.steps:
        value = answers.get(step.key) if step.answer is AnswerType.PHOTO else None
        refs.extend(str(ref) for ref in (value if isinstance(value, list) else [value]) if ref)
    return refs


def _place(procedure: Procedure, answers: Mapping[str, Any]) -> Place | None:
    """The first place answered (its point goes on the map; an address alone has none)."""
    for step in procedure.steps:
        value = answers.get(step.key) if step.answer is AnswerType.LOCATION else None
        if isinstance(value, dict):
            try:
                return Place.from_dict(value)
            except InvalidValue:  # checked when answered: a stored answer gone wrong has no point
                return None
    return None
