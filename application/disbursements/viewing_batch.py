"""Staff look at a batch with the people it pays (支払先の一覧): a page of payees by 世帯番号, the
head's name, the bank's and branch's names and the masked account, with the page's total and the
batch's; the failed payments with the account each could be paid to again. Who is paid is
personal data: each page view is one audit record (not one per line)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.benefits.applicants import Applicant, ShownAccount, applicants, shown_account
from application.disbursements.views import BatchPage, batch_page
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock
from application.ports.queries import PayeeLine
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.values import Money

__all__ = ["BatchPayees", "Payee", "Repayable", "view_batch"]

PAGE_SIZE = 50


@frozen
class Payee:
    line: PayeeLine
    head: Applicant | None
    account: ShownAccount | None  # masked


@frozen
class Repayable:
    """The account a failed payment could be paid to again: the one on the application now
    (what the resident re-sent, or staff typed), and whether someone has checked it."""

    account: ShownAccount | None
    awaits_check: bool
    same_as_failed: bool


@frozen
class BatchPayees:
    page: BatchPage
    payees: Sequence[Payee] = field(converter=tuple)
    page_number: int = 1
    pages: int = 1
    page_total: Money = field(factory=lambda: Money(0))
    failures: Sequence[Payee] = field(converter=tuple, default=())
    repaid: frozenset[str] = field(converter=frozenset, default=frozenset())  # disbursement ids
    repayable: Mapping[str, Repayable] = field(factory=dict)  # application id → account now
    trail_payees: Mapping[str, Payee] = field(factory=dict)  # disbursement id → who


def view_batch(batch_id: str, *, page: int, actor: Actor, uow: UnitOfWork, banks: BankMaster,
               clock: Clock, with_ledger: bool = False) -> BatchPayees:
    """A page of the batch's payees; without HANDLE_APPLICATIONS only the batch's figures."""
    shown = batch_page(batch_id, uow=uow, with_ledger=with_ledger)
    if not actor.may(Permission.HANDLE_APPLICATIONS):
        return BatchPayees(page=shown, payees=())
    batch = shown.batch
    pages = max(1, -(-batch.count // PAGE_SIZE))
    page = max(1, min(page, pages))
    with uow:
        lines = list(uow.queries.payments.payees(batch.id, limit=PAGE_SIZE,
                                                 offset=(page - 1) * PAGE_SIZE))
        failed = list(uow.queries.payments.failed_payees(batch.id))
        trail_ids = [e.disbursement_id for e in shown.trail if e.disbursement_id]
        named = uow.queries.payments.payees_of(trail_ids)
        people = applicants(uow, [x.head_resident_id
                                  for x in [*lines, *failed, *named.values()]])
        now_on_file = uow.applications.by_ids([x.application_id for x in failed])
        record(uow, actor, "payment_batch.view", "payment_batch", batch.id, at=clock.now(),
               page=page, shown=len(lines))
        uow.commit()

    def payee(line: PayeeLine) -> Payee:
        return Payee(line, people.get(line.head_resident_id),
                     shown_account(line.account, banks) if line.account else None)

    repayable = {}
    for line in failed:
        application = now_on_file.get(line.application_id)
        account = application.payee_account if application else None
        repayable[line.application_id] = Repayable(
            account=shown_account(account, banks) if account else None,
            awaits_check=bool(application and application.awaits_account_check),
            same_as_failed=account is not None and account == line.account)
    return BatchPayees(
        page=shown, payees=[payee(x) for x in lines], page_number=page, pages=pages,
        page_total=Money(sum(x.amount.yen for x in lines)),
        failures=[payee(x) for x in failed], repaid=shown.repaid, repayable=repayable,
        trail_payees={key: payee(x) for key, x in named.items()})
