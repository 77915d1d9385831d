"""Staff gather the approved applications of one program and payout method into a draft batch
with control totals (件数・合計金額) and a transfer date on a bank business day."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from application.access.actor import Actor
from application.dates import in_japan, japanese_date
from application.disbursements.common import record_payment
from application.ports.clock import Clock, IdGenerator
from application.ports.payouts import BankCalendar
from application.ports.unit_of_work import DuplicateError, UnitOfWork
from domain.access import Permission
from domain.batches import PaymentBatch
from domain.benefits import ApplicationStatus, PayoutMethod
from domain.disbursements import Disbursement
from domain.errors import InvalidValue, NotFound

__all__ = ["LEAD_DAYS", "CreateBatch", "create_batch", "default_transfer_date"]

LEAD_DAYS = 2  # the bank wants the file this many days before the transfer date


@frozen
class CreateBatch:
    program_id: str
    method: str  # bank_transfer, atm_cash
    actor: Actor
    transfer_date: dt.date | None = None  # None: the first business day LEAD_DAYS from today


def default_transfer_date(today: dt.date, calendar: BankCalendar) -> dt.date:
    return calendar.next_business_day(today + dt.timedelta(days=LEAD_DAYS))


def create_batch(command: CreateBatch, *, uow: UnitOfWork, ids: IdGenerator, clock: Clock,
                 calendar: BankCalendar) -> PaymentBatch:
    command.actor.ensure(Permission.HANDLE_APPLICATIONS, "支払バッチを作成")
    try:
        method = PayoutMethod(command.method)
    except ValueError:
        raise InvalidValue("支給方法は bank_transfer（口座振込）か atm_cash（ATM現金受取）を"
                           "指定してください。") from None
    if method is PayoutMethod.E_MONEY:
        raise InvalidValue("電子マネーの支払はバッチでは扱いません。")
    now = clock.now()
    today = in_japan(now).date()  # the banks' day is Japan's, whatever zone the clock gives
    transfer_date = command.transfer_date or default_transfer_date(today, calendar)
    if transfer_date < today:
        raise InvalidValue("振込指定日が過去の日付です。")
    if not calendar.is_business_day(transfer_date):
        suggestion = calendar.next_business_day(transfer_date)
        raise InvalidValue(f"{japanese_date(transfer_date)}は銀行の休業日です（土日・祝日・"
                           f"12月31日〜1月3日）。次の営業日は{japanese_date(suggestion)}です。")
    with uow:
        program = uow.programs.get(command.program_id) or uow.programs.get_by_name(
            command.program_id)
        if program is None:
            raise NotFound(f"給付金「{command.program_id}」が見つかりません。")
        chosen = list(uow.disbursements.pending_for(program.id, method))
        live = uow.disbursements.live_application_ids(program.id)
        for application in uow.applications.list_for_program(program.id):
            if (application.status is ApplicationStatus.APPROVED
                    and application.payout_method is method and application.id not in live):
                disbursement = Disbursement.for_application(id=ids.new_id(),
                                                            application=application, at=now)
                uow.disbursements.add(disbursement)
                chosen.append(disbursement)
        batch = PaymentBatch.gather(id=ids.new_id(), number=uow.batches.next_number(),
                                    program_id=program.id, method=method,
                                    transfer_date=transfer_date, disbursements=chosen,
                                    by=command.actor.id, party=command.actor.party, at=now)
        uow.batches.add(batch)
        record_payment(uow, ids, command.actor, "created", at=now, batch_id=batch.id,
                       detail=f"{batch.count:,}件 {batch.total.yen:,}円 振込指定日 "
                              f"{japanese_date(transfer_date)}")
        try:
            uow.commit()
        except DuplicateError:
            raise InvalidValue("同じ支払が同時に別のバッチへ登録されました。もう一度お試し"
                               "ください。", code="concurrent_batch") from None
    return batch
