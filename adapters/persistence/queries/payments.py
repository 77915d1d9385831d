"""Payment batches' lists, trails, payees and the ledger's rows for people to read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from adapters.persistence.orm.benefits import applications
from adapters.persistence.orm.disbursements import disbursements
from adapters.persistence.orm.residents import households
from application.ports.queries import PayeeLine
from domain.batches import PaymentAuditEntry, PaymentBatch
from domain.benefits import Application
from domain.disbursements import Disbursement, DisbursementStatus
from domain.values import Money

__all__ = ["SqlPaymentQueries"]

_D = DisbursementStatus


class SqlPaymentQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def batches(self, *, program_id: str | None = None, limit: int = 200,
                before_number: int | None = None) -> Sequence[PaymentBatch]:
        statement = select(PaymentBatch).order_by(PaymentBatch.number.desc()).limit(limit)
        if program_id is not None:
            statement = statement.where(PaymentBatch.program_id == program_id)
        if before_number is not None:
            statement = statement.where(PaymentBatch.number < before_number)
        return self.session.scalars(statement).all()

    def trail(self, batch_id: str) -> Sequence[PaymentAuditEntry]:
        return self.session.scalars(
            select(PaymentAuditEntry).where(PaymentAuditEntry.batch_id == batch_id)
            .order_by(PaymentAuditEntry.at, PaymentAuditEntry.id)).all()

    def ledger_rows(self, program_id: str) -> Iterator[tuple[str, DisbursementStatus, Money]]:
        rows = self.session.execute(
            select(Disbursement.application_id, Disbursement.status, Disbursement.amount)
            .join(Application, Application.id == Disbursement.application_id)
            .where(Application.program_id == program_id).execution_options(yield_per=5000))
        for row in rows:
            yield row[0], row[1], row[2]

    def payees(self, batch_id: str, *, limit: int, offset: int = 0) -> Sequence[PayeeLine]:
        # The page's ids first, from the (batch_id, id) index alone; then only they are joined.
        page = (select(disbursements.c.id).where(disbursements.c.batch_id == batch_id)
                .order_by(disbursements.c.id).limit(limit).offset(offset).subquery())
        return self._lines(_payee_lines().join(page, page.c.id == disbursements.c.id))

    def failed_payees(self, batch_id: str, *, limit: int = 500) -> Sequence[PayeeLine]:
        return self._lines(_payee_lines().where(disbursements.c.batch_id == batch_id,
                                                disbursements.c.status == _D.FAILED)
                           .limit(limit))

    def payees_of(self, disbursement_ids: Sequence[str]) -> dict[str, PayeeLine]:
        if not disbursement_ids:
            return {}
        lines = self._lines(_payee_lines().where(
            disbursements.c.id.in_(list(disbursement_ids))))
        return {line.disbursement_id: line for line in lines}

    def repaid_among(self, application_ids: Sequence[str]) -> set[str]:
        if not application_ids:
            return set()
        return set(self.session.scalars(
            select(disbursements.c.application_id)
            .where(disbursements.c.application_id.in_(list(application_ids)),
                   disbursements.c.status.not_in([_D.FAILED, _D.CANCELLED]))))

    def _lines(self, statement: Select) -> list[PayeeLine]:  # type: ignore[type-arg]
        return [PayeeLine(disbursement_id=row[0], application_id=row[1],
                          household_number=row[2], head_resident_id=row[3], amount=row[4],
                          account=row[5], status=row[6], failure_reason=row[7] or "")
                for row in self.session.execute(statement.order_by(disbursements.c.id))]


def _payee_lines() -> Select:  # type: ignore[type-arg]
    d, a, h = disbursements.c, applications.c, households.c
    return (select(d.id, d.application_id, h.household_number, h.head_resident_id, d.amount,
                   d.payee_account, d.status, d.failure_reason)
            .select_from(disbursements)
            .join(applications, a.id == d.application_id)
            .join(households, h.id == a.household_id))
