"""A failed payment paid again: the re-payment is a new pending disbursement that goes into a
new batch (the failed one stays as it was, for the record).

It is paid to the account on the application, once someone has checked it: the account the
resident re-sent in the chat (checked against its passbook photo), or, for an account staff
typed (from a paper form or the phone), checked by another staff member. A typed account is
never paid at once: it is kept on the application waiting for that check, so a typo cannot
bypass the photo and identity check."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
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
    # None: paid to the (checked) account on the application, or the same way (an ATM code);
    # an account: staff typed it; it waits for another staff member's check, nothing is paid yet
    account: BankAccount | None


def repay_application(command: RepayApplication, *, uow: UnitOfWork, ids: IdGenerator,
                      clock: Clock) -> Disbursement | None:
    """The re-payment, or None when a typed account was kept for checking first."""
    command.actor.ensure(Permission.HANDLE_APPLICATIONS, "再支払を登録")
    now = clock.now()
    with uow:
        application = uow.applications.get(command.application_id)
        if application is None:
            raise NotFound("申請が見つかりません。")
        if uow.disbursements.get_for_application(application.id) is not None:
            raise IllegalTransition("この申請には支払中の支払があります。", code="already_paying")
        if command.account is not None:
            application.enter_corrected_account(account=command.account, by=command.actor.id,
                                                party=command.actor.party)
            record(uow, command.actor, "application.account_entered", "application",
                   application.id, at=now)
            uow.commit()
            return None
        account = None
        if application.payout_method is PayoutMethod.BANK_TRANSFER:
            if application.awaits_account_check:
                raise IllegalTransition("登録し直した口座を、通帳の写真または本人確認書類で"
                                        "確認してから再振込を登録してください。",
                                        code="account_not_checked")
            account = application.payee_account
        disbursement = Disbursement.repayment(id=ids.new_id(), application=application,
                                              payee_account=account, at=now)
        uow.disbursements.add(disbursement)
        record_payment(uow, ids, command.actor, "repayment", at=now,
                       disbursement_id=disbursement.id)  # the trail names who, by 世帯番号
        try:
            uow.commit()
        except DuplicateError:
            raise IllegalTransition("この申請には支払中の支払があります。",
                                    code="already_paying") from None
    return disbursement
