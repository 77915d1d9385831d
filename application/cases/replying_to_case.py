"""A staff member answers a case: the case becomes 回答済み and holds the chat again (the
resident's answer comes back to it), and the reply goes out in the resident's own chat through
the outbox, in the same transaction (`CaseAnswered` → `handlers.ReplyNotice`). The form's key
makes a double submit one reply: the second finds the first (or meets the unique index) and
sends nothing."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.cases.access import workable_case
from application.cases.holding_chat import take_the_chat
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import DuplicateError, UnitOfWork
from domain.cases import CaseEntry, CaseEntryKind
from domain.errors import IllegalTransition, InvalidValue

__all__ = ["Replied", "ReplyToCase", "reply_to_case"]

MAX_KEY = 64


@frozen
class ReplyToCase:
    case_id: str
    text: str
    request_key: str  # the form's idempotency key
    actor: Actor


@frozen
class Replied:
    entry_id: str
    outbox_id: str | None  # None: nobody reachable (the resident blocked the account)
    repeated: bool = False  # the same form again: the first one went, nothing more


def reply_to_case(command: ReplyToCase, *, uow: UnitOfWork, ids: IdGenerator,
                  clock: Clock) -> Replied:
    key = command.request_key.strip()
    if not key or len(key) > MAX_KEY:
        raise InvalidValue("送信フォームが古くなっています。ページを開き直してください。",
                           code="no_request_key")
    now = clock.now()
    try:
        with uow:
            earlier = uow.case_entries.by_request_key(key)
            if earlier is not None:
                return Replied(earlier.id, earlier.outbox_id, repeated=True)
            case = workable_case(command.case_id, command.actor, uow, "案件に返信")
            consultation = uow.consultations.get(case.id)
            if consultation is not None and consultation.waiting:  # two staff would answer
                raise IllegalTransition("この相談はまだ順番待ちです。「対応する」を押してから"
                                        "返信してください。", code="consultation_waiting")
            entry = CaseEntry(id=ids.new_id(), case_id=case.id, kind=CaseEntryKind.REPLY,
                              text=command.text, at=now, staff_id=command.actor.id,
                              request_key=key)
            uow.case_entries.add(entry)
            case.answered(now, entry_id=entry.id)
            take_the_chat(case, uow)
            record(uow, command.actor, "case.reply", "case", case.id, at=now,
                   case_status=case.status.value)
            uow.commit()  # the reply is told as the transaction commits (handlers.py)
    except DuplicateError as error:  # the same form at the same moment: the other one went
        if "request_key" not in error.constraint:
            raise
        with uow:
            earlier = uow.case_entries.by_request_key(key)
        if earlier is None:  # pragma: no cover - the constraint named it
            raise
        return Replied(earlier.id, earlier.outbox_id, repeated=True)
    return Replied(entry.id, entry.outbox_id)
