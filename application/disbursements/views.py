"""What staff pages, the API and the command line show about payment batches (no personal
data: ids, amounts, reasons): the list, one batch with its trail, failures and the ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attrs import field, frozen

from application.disbursements.checking_ledger import Ledger, ledger_of
from application.disbursements.common import load_batch
from application.ports.unit_of_work import UnitOfWork
from domain.batches import PaymentAuditEntry, PaymentBatch
from domain.benefits import BenefitProgram
from domain.disbursements import Disbursement, DisbursementStatus

__all__ = ["BatchPage", "batch_page", "batches"]


@frozen
class BatchPage:
    batch: PaymentBatch
    program: BenefitProgram | None
    trail: Sequence[PaymentAuditEntry] = field(converter=tuple)
    failures: Sequence[Disbursement] = field(converter=tuple)
    repaid: frozenset[str] = field(converter=frozenset)  # failed ones paid again since
    staff_names: Mapping[str, str] = field(factory=dict)  # actor id → display name
    ledger: Ledger | None = None


def batches(*, uow: UnitOfWork, program_id: str | None = None, limit: int = 200,
            before_number: int | None = None) -> tuple[list[PaymentBatch], dict[str, str]]:
    """Newest first (of one program, when given; numbered below `before_number`: the API's
    next page), and the programs' names by id."""
    with uow:
        names = {p.id: p.name for p in uow.queries.benefits.programs()}
        return list(uow.queries.payments.batches(program_id=program_id, limit=limit,
                                                 before_number=before_number)), names


def batch_page(batch_id: str, *, uow: UnitOfWork, with_ledger: bool = True) -> BatchPage:
    """A batch by id or number, with what happened to it."""
    with uow:
        batch = load_batch(uow, batch_id)
        failures = list(uow.disbursements.in_batch(batch.id, status=DisbursementStatus.FAILED))
        again = uow.queries.payments.repaid_among([d.application_id for d in failures])
        repaid = {d.id for d in failures if d.application_id in again}
        trail = list(uow.queries.payments.trail(batch.id))
        staff_names = {m.id: m.display_name
                       for m in (uow.staff.get(actor) for actor in {e.actor for e in trail})
                       if m is not None}
        return BatchPage(batch=batch, program=uow.programs.get(batch.program_id), trail=trail,
                         failures=failures, repaid=repaid, staff_names=staff_names,
                         ledger=ledger_of(batch.program_id, uow) if with_ledger else None)
