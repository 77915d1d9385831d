"""The households to reach by post (郵送): eligible, with no reachable head, and no application
received yet. Rows for a mail merge; personal data: the export is audited, in the transaction
that reads its first page."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.benefits.reach import PAGE, reach_of
from application.messaging.telling import ContactPolicy
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.benefits import ApplicationStatus
from domain.errors import NotFound

__all__ = ["POSTAL_COLUMNS", "PostalRow", "postal_rows"]

POSTAL_COLUMNS = ("世帯番号", "世帯主氏名", "世帯主氏名カナ", "郵便番号", "住所", "支給額")
_OPEN = {ApplicationStatus.NOTIFIED, ApplicationStatus.DECLINED}


@frozen
class PostalRow:
    household_number: str
    name: str
    kana: str
    postal_code: str
    address: str
    amount_yen: int

    def cells(self) -> tuple[str, ...]:
        return (self.household_number, self.name, self.kana, self.postal_code, self.address,
                str(self.amount_yen))


def postal_rows(program_id: str, *, actor: Actor, uow_factory: Callable[[], UnitOfWork],
                clock: Clock, policy: ContactPolicy) -> Iterator[PostalRow]:
    """The rows, page by page (a generator: nothing is read before the first row is asked
    for)."""
    actor.ensure(Permission.HANDLE_APPLICATIONS, "郵送の一覧を出力")
    after, recorded = "", False
    while True:
        with uow_factory() as uow:
            program = uow.programs.get(program_id)
            if program is None:
                raise NotFound("給付金が見つかりません。")
            page = uow.eligibility.page(program_id, after=after, limit=PAGE)
            if not recorded:
                record(uow, actor, "postal.export", "program", program_id, at=clock.now())
                uow.commit()
                recorded = True
            if not page:
                return
            after = page[-1]
            reached = [r for r in reach_of(page, uow=uow, policy=policy) if r.identity is None]
            applications = uow.applications.for_households(
                program_id, [r.household.id for r in reached])
            heads = uow.residents.by_ids([r.household.head_resident_id for r in reached])
            rows = []
            for household in (r.household for r in reached):
                application = applications.get(household.id)
                head = heads.get(household.head_resident_id)
                if (application is not None and application.status not in _OPEN) \
                        or head is None or head.facts is None:
                    continue
                facts = head.facts
                rows.append(PostalRow(household.household_number, facts.name.name,
                                      facts.name.kana or "", facts.address.postal_code or "",
                                      facts.address.text, program.amount_per_household.yen))
        yield from rows
