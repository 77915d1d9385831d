"""The finance export's rows (決裁・会計用の申請一覧), read in chunks so memory stays flat."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.persistence.orm.benefits import applications
from adapters.persistence.orm.residents import households, residents
from application.ports.queries import ExportLine
from domain.benefits import ApplicationStatus

__all__ = ["SqlExportQueries"]


class SqlExportQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def application_lines(self, program_id: str, statuses: Sequence[ApplicationStatus], *,
                          chunk: int = 1000) -> Iterator[ExportLine]:
        a, h, r = applications.c, households.c, residents.c
        statement = (
            select(h.household_number, r.facts, a.status, a.channel, a.payout_method, a.amount,
                   a.confirmed_at, a.decided_at, a.payee_account)
            .select_from(applications.join(households, h.id == a.household_id)
                         .outerjoin(residents, r.id == h.head_resident_id))
            .where(a.program_id == program_id, a.status.in_(list(statuses)))
            .order_by(h.household_number)
            .execution_options(yield_per=chunk))  # a server-side cursor on PostgreSQL
        for row in self.session.execute(statement):
            facts = row.facts
            yield ExportLine(
                household_number=row.household_number,
                name=facts.name.name if facts else "", kana=(facts.name.kana or "") if facts
                else "", address=facts.address.text if facts else "",
                postal_code=(facts.address.postal_code or "") if facts else "",
                status=row.status, channel=row.channel, payout_method=row.payout_method,
                amount_yen=row.amount.yen if row.amount is not None else None,
                confirmed_at=row.confirmed_at, decided_at=row.decided_at,
                account=row.payee_account)
