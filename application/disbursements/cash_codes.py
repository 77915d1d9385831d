"""Cash by ATM: issue a pickup code for each payment of an approved batch (the household is told
the code in the chat: `handlers.CashCodeNotice`); then follow each code: picked up settles the
payment, an expired code is replaced by a new one (up to `MAX_ATTEMPTS` codes), after which the
payment goes back to staff as failed."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import SYSTEM, Actor
from application.disbursements.common import load_batch, record_payment
from application.ports.clock import Clock, IdGenerator
from application.ports.payouts import PayoutProvider, PayoutStatus
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.batches import BatchState, PaymentBatch
from domain.benefits import PayoutMethod
from domain.cash_payouts import MAX_ATTEMPTS, CashPayout
from domain.disbursements import Disbursement, DisbursementStatus
from domain.errors import DomainError, IllegalTransition

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


def _issue(uow: UnitOfWork, ids: IdGenerator, provider: PayoutProvider, *,
           disbursement: Disbursement, attempt: int, clock: Clock) -> CashPayout:
    issued = provider.issue(reference=CashPayout.reference_for(disbursement.id, attempt),
                            amount=disbursement.amount)
    payout = CashPayout.issue(id=ids.new_id(), disbursement_id=disbursement.id,
                              provider=provider.name, attempt=attempt,
                              pickup_code=issued.pickup_code, issued_at=clock.now(),
                              expires_at=issued.expires_at)
    uow.cash_payouts.add(payout)
    disbursement.cash_code = payout.reference
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
        for disbursement in uow.disbursements.in_batch(batch.id,
                                                       status=DisbursementStatus.BATCHED):
            _issue(uow, ids, provider, disbursement=disbursement, attempt=1, clock=clock)
            disbursement.mark_exported()
        batch.mark_exported(by=command.actor.id, at=now, digest="", originator={})
        record_payment(uow, ids, command.actor, "codes_issued", at=now, batch_id=batch.id,
                       detail=f"{batch.count}件 {batch.total.format()} {provider.label}")
        uow.commit()
    return batch


def _expired_at_provider(provider: PayoutProvider, reference: str) -> PayoutStatus:
    """Cancel a code the provider still holds as issued: EXPIRED once it is, or, when the
    provider refuses, its status now (picked up in the meantime: the money is gone, so it is
    never issued again; still issued, as during a pickup under way: left for the next run)."""
    try:
        provider.cancel(reference)
    except DomainError:
        return provider.status(reference)
    return PayoutStatus.EXPIRED


def refresh_cash_payouts(*, uow: UnitOfWork, ids: IdGenerator, clock: Clock,
                         provider: PayoutProvider, actor: Actor = SYSTEM) -> RefreshReport:
    """For a scheduled job: ask the provider about every issued code."""
    now = clock.now()
    picked = reissued = failed = 0
    with uow:
        touched: set[str] = set()
        for payout in uow.cash_payouts.issued():
            status = provider.status(payout.reference)
            if status is PayoutStatus.ISSUED and not payout.is_overdue(now):
                continue
            if status is PayoutStatus.ISSUED:  # our clock says expired: make sure it is
                status = _expired_at_provider(provider, payout.reference)
                if status is PayoutStatus.ISSUED:  # refused and still live: never a 2nd code
                    continue
            disbursement = uow.disbursements.get(payout.disbursement_id)
            application = uow.applications.get(disbursement.application_id)
            touched.add(disbursement.batch_id or "")
            if status is PayoutStatus.PICKED_UP:
                payout.pick_up(at=now)
                disbursement.settle(at=now)
                application.mark_paid()
                picked += 1
                record_payment(uow, ids, actor, "picked_up", at=now,
                               batch_id=disbursement.batch_id, disbursement_id=disbursement.id)
                continue
            if status is PayoutStatus.CANCELLED:
                payout.cancel()
            else:
                payout.expire()
            if payout.may_reissue and status is not PayoutStatus.CANCELLED:
                _issue(uow, ids, provider, disbursement=disbursement,
                       attempt=payout.attempt + 1, clock=clock)
                reissued += 1
                record_payment(uow, ids, actor, "code_reissued", at=now,
                               batch_id=disbursement.batch_id, disbursement_id=disbursement.id,
                               detail=f"{payout.attempt + 1}回目")
                continue
            reason = (f"受取期限切れ（{MAX_ATTEMPTS}回）" if status is not PayoutStatus.CANCELLED
                      else "受取番号の取消")
            disbursement.fail(reason=reason, by=actor.id)  # recorded by handlers.PaymentFailed
            application.mark_payment_failed()
            failed += 1
        for batch_id in touched - {""}:
            batch = uow.batches.get(batch_id)
            if batch is not None:  # a batch that closes is recorded by handlers.BatchClosed
                batch.close(at=now, statuses=uow.disbursements.status_counts_in_batch(batch_id),
                            by=actor.id)
        uow.commit()
    return RefreshReport(picked_up=picked, reissued=reissued, failed=failed)
