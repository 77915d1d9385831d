"""A staff member answers a case: the answer goes out through the outbox in the resident's own
chat (the one policy, `Telling.in_reply`), the case becomes 回答済み and holds the chat again
(the resident's answer comes back to it). The form's key makes a double submit one reply: the
second meets the unique index and sends nothing."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.cases.access import workable_case
from application.messaging.telling import Telling
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import DuplicateError, UnitOfWork
from domain.cases import CaseEntry, CaseEntryKind
from domain.errors import InvalidValue, NotFound

__all__ = ["Replied", "ReplyToCase", "reply_text", "reply_to_case"]

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


def reply_text(number: str, department: str, text: str) -> str:
    return f"【受付番号 {number}】{department}からのお返事です。\n{text}"


def reply_to_case(command: ReplyToCase, *, uow: UnitOfWork, telling: Telling, ids: IdGenerator,
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
            entry = CaseEntry(id=ids.new_id(), case_id=case.id, kind=CaseEntryKind.REPLY,
                              text=command.text, at=now, staff_id=command.actor.party,
                              request_key=key)
            case.answered(now)
            identity = uow.channel_identities.get(case.identity_id)
            if identity is None:  # pragma: no cover - identities are never deleted
                raise NotFound("住民の連絡先が見つかりません。")
            department = uow.departments.get(case.department_id) if case.department_id else None
            entry.outbox_id = telling.in_reply(uow, identity, [OutgoingMessage(
                text=reply_text(case.number, department.name if department else "町役場",
                                entry.text))])
            uow.case_entries.add(entry)
            record(uow, command.actor, "case.reply", "case", case.id, at=now,
                   case_status=case.status.value, channel=identity.channel,
                   reached=entry.outbox_id is not None)
            uow.commit()
    except DuplicateError as error:  # the same form at the same moment: the other one went
        if "request_key" not in error.constraint:
            raise
        with uow:
            earlier = uow.case_entries.by_request_key(key)
        if earlier is None:  # pragma: no cover - the constraint named it
            raise
        return Replied(earlier.id, earlier.outbox_id, repeated=True)
    return Replied(entry.id, entry.outbox_id)
