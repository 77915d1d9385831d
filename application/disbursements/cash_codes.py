"""Cash by ATM: issue a pickup code for each payment of an approved batch and send it to the
resident's channel; then follow each code: picked up settles the payment, an expired code is
replaced by a new one (up to `MAX_ATTEMPTS` codes), after which the payment goes back to staff
as failed."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from application.disbursements.common import SYSTEM, Actor, audit, load_batch, notify_household
from application.ports.clock import Clock, IdGenerator
from application.ports.payouts import PayoutProvider, PayoutStatus
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.batches import BatchState, PaymentBatch
from domain.benefits import PayoutMethod
from domain.cash_payouts import MAX_ATTEMPTS, CashPayout
from domain.disbursements import Disbursement, DisbursementStatus
from domain.errors import IllegalTransition

JST = dt.timezone(dt.timedelta(hours=9))

__all__ = ["IssueCashCodes", "RefreshReport", "issue_cash_codes", "refresh_cash_payouts"]


@frozen
class IssueCashCodes:
    batch_id: str
    actor: Actor


@frozen
class RefreshReport:
    picked_up: int
    reissued: int
    failed: int


def _code_message(program: str, payout: CashPayout, disbursement: Disbursement) -> str:
    return (f"{program}（{disbursement.amount.format()}）は、提携ATMの「現金受取」で受け取れ"
            f"ます。\n受取番号: {payout.pickup_code}\n受取期限: "
            f"{payout.expires_at.astimezone(JST):%Y年%m月%d日 %H:%M}まで\n"
            "この番号は他の人に教えないでください。")


def _issue(uow: UnitOfWork, ids: IdGenerator, provider: PayoutProvider, *, program: str,
           disbursement: Disbursement, attempt: int, clock: Clock) -> CashPayout:
    reference = CashPayout.reference_for(disbursement.id, attempt)
    issued = provider.issue(reference=reference, amount=disbursement.amount)
    payout = CashPayout(id=ids.new_id(), disbursement_id=disbursement.id,
                        provider=provider.name, reference=reference,
                        pickup_code=issued.pickup_code, issued_at=clock.now(),
                        expires_at=issued.expires_at, attempt=attempt)
    uow.cash_payouts.add(payout)
    disbursement.cash_code = reference
    application = uow.applications.get(disbursement.application_id)
    if application is not None:
        notify_household(uow, ids, household_id=application.household_id,
                         text=_code_message(program, payout, disbursement), at=clock.now())
    return payout


def issue_cash_codes(command: IssueCashCodes, *, uow: UnitOfWork, ids: IdGenerator,
                     clock: Clock, provider: PayoutProvider) -> PaymentBatch:
    command.actor.ensure(Permission.HANDLE_APPLICATIONS, "受取番号を発行")
    now = clock.now()
    with uow:
        batch = load_batch(uow, command.batch_id)
        if batch.method is not PayoutMethod.ATM_CASH:
            raise IllegalTransition("受取番号を発行できるのはATM現金受取のバッチだけです。")
        if batch.state is not BatchState.APPROVED:
            raise IllegalTransition(f"バッチの状態が「{batch.state.label}」のため、受取番号を"
                                    "発行できません。")
        program = uow.programs.get(batch.program_id)
        name = program.name if program is not None else "給付金"
        for disbursement in uow.disbursements.in_batch(batch.id,
                                                       status=DisbursementStatus.BATCHED):
            _issue(uow, ids, provider, program=name, disbursement=disbursement, attempt=1,
                   clock=clock)
            disbursement.mark_exported()
        batch.mark_exported(by=command.actor.id, at=now, digest="", originator={})
        audit(uow, ids, clock, at=now, actor=command.actor, action="codes_issued",
              batch_id=batch.id, detail=f"{batch.count}件 {batch.total.yen}円 {provider.name}")
        uow.commit()
    return batch


def refresh_cash_payouts(*, uow: UnitOfWork, ids: IdGenerator, clock: Clock,
                         provider: PayoutProvider, actor: Actor = SYSTEM) -> RefreshReport:
    now = clock.now()
    picked = reissued = failed = 0
    with uow:
        touched: set[str] = set()
        for payout in uow.cash_payouts.issued():
            status = provider.status(payout.reference)
            if status is PayoutStatus.ISSUED and not payout.is_overdue(now):
                continue
            disbursement = uow.disbursements.get(payout.disbursement_id)
            application = uow.applications.get(disbursement.application_id)
            touched.add(disbursement.batch_id or "")
            if status is PayoutStatus.PICKED_UP:
                payout.pick_up(at=now)
                disbursement.settle(at=now)
                application.mark_paid()
                picked += 1
                audit(uow, ids, clock, at=now, actor=actor, action="picked_up",
                      batch_id=disbursement.batch_id, disbursement_id=disbursement.id)
                continue
            if status is PayoutStatus.CANCELLED:
                payout.cancel()
            else:
                if status is PayoutStatus.ISSUED:  # our clock says expired: make sure it is
                    provider.cancel(payout.reference)
                payout.expire()
            if payout.may_reissue and status is not PayoutStatus.CANCELLED:
                program = uow.programs.get(application.program_id)
                _issue(uow, ids, provider, program=program.name if program else "給付金",
                       disbursement=disbursement, attempt=payout.attempt + 1, clock=clock)
                reissued += 1
                audit(uow, ids, clock, at=now, actor=actor, action="code_reissued",
                      batch_id=disbursement.batch_id, disbursement_id=disbursement.id,
                      detail=f"{payout.attempt + 1}回目")
                continue
            reason = (f"受取期限切れ（{MAX_ATTEMPTS}回）" if status is not PayoutStatus.CANCELLED
                      else "受取番号の取消")
            disbursement.fail(reason=reason)
            application.mark_payment_failed()
            failed += 1
            audit(uow, ids, clock, at=now, actor=actor, action="failed",
                  batch_id=disbursement.batch_id, disbursement_id=disbursement.id,
                  detail=reason)
        for batch_id in touched - {""}:
            batch = uow.batches.get(batch_id)
            if batch is not None and batch.close(
                    at=now, statuses=uow.disbursements.status_counts_in_batch(batch_id),
                    by=actor.id):
                audit(uow, ids, clock, at=now, actor=actor, action=batch.state.value,
                      batch_id=batch_id)
        uow.commit()
    return RefreshReport(picked_up=picked, reissued=reissued, failed=failed)
