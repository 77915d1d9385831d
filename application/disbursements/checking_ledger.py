"""The ledger of a program: what was approved equals what was paid, what failed and what is
still pending (支払済 + 支払不能 + 支払待ち = 支給決定額), and each application is paid once."""

from __future__ import annotations

from attrs import field, frozen

from application.ports.unit_of_work import UnitOfWork
from domain.benefits import ApplicationStatus
from domain.disbursements import DisbursementStatus
from domain.errors import NotFound
from domain.values import Money

__all__ = ["Ledger", "check_ledger", "ledger_of"]

A, D = ApplicationStatus, DisbursementStatus
_DECIDED = {A.APPROVED, A.PAID, A.PAYMENT_FAILED}
_LIVE = {D.PENDING, D.BATCHED, D.EXPORTED}


@frozen
class Ledger:
    program_id: str
    approved: Money
    paid: Money
    failed: Money
    pending: Money
    discrepancies: tuple[str, ...] = field(default=(), converter=tuple)

    @property
    def balanced(self) -> bool:
        return (not self.discrepancies
                and self.paid.yen + self.failed.yen + self.pending.yen == self.approved.yen)


def check_ledger(program_id: str, *, uow: UnitOfWork) -> Ledger:
    with uow:
        return ledger_of(program_id, uow)


def ledger_of(program_id: str, uow: UnitOfWork) -> Ledger:
    """Inside `with uow:`."""
    if uow.programs.get(program_id) is None:
        raise NotFound("給付金が見つかりません。")
    payments: dict[str, list[tuple[DisbursementStatus, Money]]] = {}
    for application_id, status, amount in uow.queries.payments.ledger_rows(program_id):
        payments.setdefault(application_id, []).append((status, amount))
    approved = paid = failed = pending = 0
    found: list[tuple[str, str]] = []  # (household id, the problem, {who} for the household)
    for application in uow.applications.list_for_program(program_id):
        mine = payments.pop(application.id, [])
        settled = [amount for status, amount in mine if status is D.SETTLED]
        live = [amount for status, amount in mine if status in _LIVE]
        problems = [] if application.status in _DECIDED or not (settled or live) else [
            "{who} は支給決定されていないのに支払があります。"]
        if application.status not in _DECIDED:
            found += [(application.household_id, text) for text in problems]
            continue
        owed = application.amount.yen if application.amount else 0
        approved += owed
        if len(settled) + len(live) > 1:
            problems.append("{who} に支払が複数あります。")
        if application.status is A.PAID:
            if len(settled) != 1:
                problems.append(f"{{who}} は支払済みですが、完了した支払が{len(settled)}件です。")
            paid += sum(a.yen for a in settled)
        elif settled:
            problems.append(f"{{who}} の支払は完了していますが、申請が"
                            f"「{application.status.label}」のままです。")
            paid += sum(a.yen for a in settled)
        elif live:
            pending += sum(a.yen for a in live)
        elif application.status is A.PAYMENT_FAILED:
            failed += owed
        else:
            pending += owed  # approved, not yet in a batch
        problems += [f"{{who}} の支払額 {amount.yen:,}円 が支給額 {owed:,}円 と異なります。"
                     for amount in settled + live if amount.yen != owed]
        found += [(application.household_id, text) for text in problems]
    heads = uow.households.heads(list({household for household, _ in found}))
    discrepancies = [text.format(who=f"世帯番号 {heads[household].household_number}"
                                 if household in heads else "世帯不明の申請")
                     for household, text in found]
    discrepancies += [f"支払の申請 {application_id} がこの給付金にありません。"
                      for application_id in payments]
    return Ledger(program_id=program_id, approved=Money(approved), paid=Money(paid),
                  failed=Money(failed), pending=Money(pending), discrepancies=discrepancies)
