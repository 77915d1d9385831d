"""A procedure's fee on the way to the inbox (ADR 0053). A finished procedure with a fee is not
a case yet: the answers wait in a `FeePayment` (in no inbox list, count, badge, map or alert)
and the resident is told the amount, with its calculation, and a button to pay. When the
gateway says it is paid (`paying.settle_payment`), `FeeNotices.paid` opens the case in its
department's inbox (alerted as any new case) and tells the resident its 受付番号, in the
transaction that recorded the payment; a lapsed attempt is told with a button to try again; a
refund is told too. What the resident reads is here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from application.cases.case_messages import opened_message
from application.conversations.fees import FeeDue
from application.conversations.procedures import Procedure
from application.messaging.telling import Telling
from application.payments.buttons import pay_button
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.cases import InboxCase
from domain.events import FeePaid, FeePaymentLapsed, FeeRefunded
from domain.fees import FeePayment

__all__ = ["FeeNotices", "OpensCases", "due_of", "fee_waiting"]

class OpensCases(Protocol):
    """The inbox's desk (`opening_case.CaseDesk`): opens a paid fee's case."""

    def open(self, procedure_id: str, answers: Mapping[str, Any], *, identity_id: str,
             resident_id: str | None, conversation_id: str | None, uow: UnitOfWork,
             ids: IdGenerator, now: dt.datetime,
             procedure_version: int | None = None) -> InboxCase: ...

    def completion(self, procedure_id: str, procedure_version: int | None,
                   answers: Mapping[str, Any]) -> str: ...


def due_of(fee: FeePayment) -> FeeDue:
    return FeeDue(label=fee.label, unit_amount=fee.unit_amount, quantity=fee.quantity,
                  unit=fee.unit)


def fee_waiting(procedure: Procedure, due: FeeDue, answers: Mapping[str, Any], *,
                identity_id: str, resident_id: str | None, conversation_id: str | None,
                uow: UnitOfWork, ids: IdGenerator, now: dt.datetime,
                pay_url: Callable[[str], str]) -> list[OutgoingMessage]:
    """The finished procedure's answers wait for the fee; the resident is asked to pay."""
    fee = FeePayment(id=ids.new_id(), procedure_id=procedure.id, identity_id=identity_id,
                     label=due.label, unit_amount=due.unit_amount, quantity=due.quantity,
                     unit=due.unit, created_at=now, answers=dict(answers),
                     resident_id=resident_id, conversation_id=conversation_id)
    uow.fee_payments.add(fee)
    total = due.total.format()
    return [OutgoingMessage(text=f"{procedure.title}の手数料\n{due.calculation()}"),
            pay_button(pay_url(fee.id), "下の「支払う」から手数料をお支払いください。お支払いを"
                       "確認してから受け付けます（お支払いがないまま数日たつと、入力した内容は"
                       "消去されます）。", total)]


class FeeNotices:
    """`FeePaid` → the case is opened and the resident told its number; `FeePaymentLapsed` →
    told, with a button to pay again; `FeeRefunded` → told."""

    def __init__(self, telling: Telling, cases: OpensCases | None, pay_url: Callable[[str], str],
                 ids: IdGenerator, clock: Clock) -> None:
        self.telling, self.cases, self.pay_url = telling, cases, pay_url
        self.ids, self.clock = ids, clock

    def paid(self, events: Sequence[FeePaid], uow: UnitOfWork) -> None:
        if self.cases is None:  # pragma: no cover - the container always gives the desk
            raise RuntimeError("no case desk to open a paid fee's case")
        now = self.clock.now()
        for event in events:
            fee = uow.fee_payments.get(event.fee_id)
            if fee is None or fee.case_id is not None:
                continue
            conversation = (uow.conversations.get(fee.conversation_id)
                            if fee.conversation_id else None)
            version = conversation.procedure_version if conversation is not None else None
            case = self.cases.open(fee.procedure_id, fee.answers, identity_id=fee.identity_id,
                                   resident_id=fee.resident_id,
                                   conversation_id=fee.conversation_id, uow=uow,
                                   ids=self.ids, now=now, procedure_version=version)
            said = self.cases.completion(fee.procedure_id, version, fee.answers)
            fee.case_opened(case.id)  # the answers move into the case
            lines = [f"{due_of(fee).calculation()} のお支払いを確認し、お申し込みを"
                     "受け付けました。", said, opened_message(case.number)]
            self._tell(uow, fee, "\n".join(line for line in lines if line))

    def lapsed(self, events: Sequence[FeePaymentLapsed], uow: UnitOfWork) -> None:
        for event in events:
            fee = uow.fee_payments.get(event.fee_id)
            if fee is None:
                continue
            why = "お支払いが取り消されました" if event.cancelled else "お支払いの期限が切れました"
            self._tell(uow, fee, messages=[pay_button(
                self.pay_url(fee.id), f"{fee.label}について、{why}。お申し込みはまだ受け付けて"
                "いません。\nお支払いになる場合は、下のボタンからもう一度お進みください。",
                fee.amount_due.format())])

    def refunded(self, events: Sequence[FeeRefunded], uow: UnitOfWork) -> None:
        for event in events:
            fee = uow.fee_payments.get(event.fee_id)
            case = uow.cases.get(fee.case_id) if fee is not None and fee.case_id else None
            if fee is None or case is None:
                continue
            self._tell(uow, fee, f"受付番号 {case.number} の{fee.label} "
                                 f"{fee.amount_due.format()} を、お支払いに使われた方法へ全額"
                                 "返金しました。")

    def _tell(self, uow: UnitOfWork, fee: FeePayment, text: str = "", *,
              messages: Sequence[OutgoingMessage] = ()) -> None:
        identity = uow.channel_identities.get(fee.identity_id)
        if identity is not None:
            self.telling.in_reply(uow, identity, messages or [OutgoingMessage(text=text)])
