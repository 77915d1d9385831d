"""The households to reach by post (郵送): the reach split's postal category (eligible, no
application, nobody to message; see `reach.py`), so the list has as many rows as the program
page says. Rows for a mail merge; personal data: the export is audited, in the transaction
that reads its first page."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.messaging.telling import ContactPolicy
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import NotFound

__all__ = ["POSTAL_COLUMNS", "PostalRow", "postal_rows"]

PAGE_SIZE = 500
POSTAL_COLUMNS = ("世帯番号", "世帯主氏名", "世帯主氏名カナ", "郵便番号", "住所", "支給額")


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
            page = uow.queries.benefits.reach_page(program_id, policy.ladder, "postal",
                                                   after=after, limit=PAGE_SIZE)
            if not recorded:
                record(uow, actor, "postal.export", "program", program_id, at=clock.now())
                uow.commit()
                recorded = True
            if not page:
                return
            after = page[-1]
            households = uow.households.heads(page)
            heads = uow.residents.by_ids([h.head_resident_id for h in households.values()])
            rows = []
            for household_id in page:
                household = households[household_id]
                head = heads.get(household.head_resident_id)
                facts = head.facts if head is not None else None
                # A head without facts on file still gets a row: the count must match the page.
                rows.append(PostalRow(
                    household.household_number, facts.name.name if facts else "",
                    (facts.name.kana or "") if facts else "",
                    (facts.address.postal_code or "") if facts else "",
                    facts.address.text if facts else "", program.amount_per_household.yen))
        yield from rows
