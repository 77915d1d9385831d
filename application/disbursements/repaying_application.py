"""Staff enter the corrected account of a payment that failed; the re-payment is a new pending
disbursement that goes into a new batch (the failed one stays as it was, for the record)."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.disbursements.common import record_payment
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import DuplicateError, UnitOfWork
from domain.access import Permission
from domain.benefits import PayoutMethod
from domain.disbursements import Disbursement
from domain.errors import IllegalTransition, NotFound
from domain.values import BankAccount

__all__ = ["RepayApplication", "repay_application"]


@frozen
class RepayApplication:
    application_id: str
    actor: Actor
    account: BankAccount | None  # None: paid again the same way (an ATM code, say)


def repay_application(command: RepayApplication, *, uow: UnitOfWork, ids: IdGenerator,
                      clock: Clock) -> Disbursement:
    command.actor.ensure(Permission.HANDLE_APPLICATIONS, "再支払を登録")
    now = clock.now()
    with uow:
        application = uow.applications.get(command.application_id)
        if application is None:
            raise NotFound("申請が見つかりません。")
        if uow.disbursements.get_for_application(application.id) is not None:
            raise IllegalTransition("この申請には支払中の支払があります。", code="already_paying")
        account = command.account
        if application.payout_method is PayoutMethod.BANK_TRANSFER and account is None:
            if application.awaits_account_check:
                raise IllegalTransition("住民が登録し直した口座を、通帳の写真で確認してから"
                                        "再支払を登録してください。", code="account_not_checked")
            account = application.payee_account
        disbursement = Disbursement.repayment(id=ids.new_id(), application=application,
                                              payee_account=account, at=now)
        uow.disbursements.add(disbursement)
        record_payment(uow, ids, command.actor, "repayment", at=now,
                       disbursement_id=disbursement.id, detail=f"申請 {application.id}")
        try:
            uow.commit()
        except DuplicateError:
            raise IllegalTransition("この申請には支払中の支払があります。",
                                    code="already_paying") from None
    return disbursement
