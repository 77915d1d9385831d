"""A batch's page with who it pays: a page of payees by 世帯番号 and name, bank and branch by
name, accounts masked, totals per page; failures with the account each can be paid to again;
one audit record per page view, none for a viewer who is shown no one."""

from __future__ import annotations

import pytest

from application.disbursements.viewing_batch import view_batch
from application.ports.audit import AuditQuery
from tests import builders
from tests.support.payments import VIEWER, WORKER
from tests.support.zengin import master
from tests.unit.test_payment_batches import Town, _csv

pytestmark = pytest.mark.unit


def _town_with_heads() -> Town:
    town = Town()
    with town.uow() as uow:
        for n in range(1, 4):
            uow.residents.add(builders.resident(id=f"r{n}", resident_number=f"{n:09d}",
                                                household_number=f"H{n:04d}",
                                                name=f"山田 {n}郎"))
        uow.commit()
    return town



def test_a_page_of_payees_names_the_households_and_banks_and_masks_the_accounts() -> None:
    town = _town_with_heads()
    batch = town.create()

    shown = view_batch(batch.id, page=1, actor=WORKER, uow=town.uow(), banks=master(),
                       clock=town.clock)

    assert [p.line.household_number for p in shown.payees] == ["H0001", "H0002", "H0003"]
    assert [p.head.name for p in shown.payees if p.head] == ["山田 1郎", "山田 2郎", "山田 3郎"]
    first = shown.payees[0].account
    assert first is not None and first.masked and first.number == "＊＊＊＊001"
    assert first.bank_name and first.branch_name  # names from the bank master
    assert shown.page_total.yen == 210_000 and (shown.page_number, shown.pages) == (1, 1)


def test_each_page_view_is_one_audit_record_and_a_viewer_is_shown_no_one() -> None:
    town = _town_with_heads()
    batch = town.create()

    view_batch(batch.id, page=1, actor=WORKER, uow=town.uow(), banks=master(),
               clock=town.clock)
    looked = view_batch(batch.id, page=1, actor=VIEWER, uow=town.uow(), banks=master(),
                        clock=town.clock)

    with town.uow() as uow:
        views = [r for r in uow.audit.search(AuditQuery(action="payment_batch.view"))]
    assert len(views) == 1 and views[0].detail["shown"] == 3
    assert looked.payees == () and looked.failures == ()


def test_a_failure_is_shown_by_household_with_the_account_it_can_be_paid_to_again() -> None:
    town = _town_with_heads()
    batch = town.approve(town.create().id)
    town.export(batch.id)
    town.results(batch.id, _csv("record,status,reason\n2,不能,口座なし\n"),
                 settle_unlisted=True)

    shown = view_batch(batch.id, page=1, actor=WORKER, uow=town.uow(), banks=master(),
                       clock=town.clock)

    [failure] = shown.failures
    assert (failure.line.household_number, failure.head.name if failure.head else "") == (
        "H0002", "山田 2郎")
    again = shown.repayable[failure.line.application_id]
    assert again.account is not None and again.same_as_failed and not again.awaits_check
