"""`madoguchi batch …` commands that pay a batch out: the Zengin transfer file, the bank's
results, the ledger check, repayments of failed transfers and cash pickup codes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from application.benefits.views import find_program
from application.disbursements.cash_codes import (
    IssueCashCodes,
    issue_cash_codes,
    refresh_cash_payouts,
)
from application.disbursements.checking_ledger import check_ledger
from application.disbursements.exporting_batch import ExportBatch, export_batch
from application.disbursements.importing_results import ImportResults, import_results
from application.disbursements.repaying_application import RepayApplication, repay_application
from domain.values import BankAccount
from entrypoints.cli.context import CliContext, pass_context, ready, staff_or_operator

__all__ = [
    "batch_export",
    "batch_import_results",
    "batch_issue_codes",
    "batch_ledger",
    "batch_refresh_codes",
    "batch_repay",
]


@click.command("export")
@click.argument("batch_id")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False))
@click.option("--line-endings", default="crlf", show_default=True,
              type=click.Choice(["crlf", "none"]))
@click.option("--by", "login_id", default=None)
@pass_context
def batch_export(ctx: CliContext, batch_id: str, out_path: str, line_endings: str,
                 login_id: str | None) -> None:
    """Write the Zengin transfer file (総合振込) of an approved batch. Again: the same bytes."""
    container = ready(ctx)
    target = Path(out_path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    # an export killed mid-way (no clean-up runs) left its partial file of accounts: gone now
    for leftover in target.parent.glob(f".{target.name}.*"):
        leftover.unlink(missing_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            result = export_batch(
                ExportBatch(batch_id=batch_id, actor=staff_or_operator(container, login_id),
                            line_ending=line_endings),
                uow=container.uow(), ids=container.ids(), clock=container.clock(),
                writer=container.transfer_writer(), originator=container.originator(),
                out=out)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    again = "" if result.first else " (the same file again: nothing new is paid)"
    click.echo(f"{target}: {result.count}件 {result.total.format()} "
               f"sha256 {result.digest}{again}")


@click.command("import-results")
@click.argument("batch_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", default="csv", show_default=True,
              type=click.Choice(["zengin", "csv", "returned"]),
              help="zengin: the bank's result file; csv: record,status,reason; "
                   "returned: the returned-transfer list (record,reason).")
@click.option("--settle-rest", is_flag=True,
              help="Payments the file does not name are settled (for a returned list).")
@click.option("--by", "login_id", default=None)
@pass_context
def batch_import_results(ctx: CliContext, batch_id: str, path: str, kind: str,
                         settle_rest: bool, login_id: str | None) -> None:
    """Mark payments settled or failed from the bank's result; tell those that failed."""
    container = ready(ctx)
    with open(path, "rb") as stream:
        results = list(container.transfer_results().read(stream, kind=kind))
    report = import_results(
        ImportResults(batch_id=batch_id, actor=staff_or_operator(container, login_id),
                      settle_unlisted=settle_rest),
        results, uow=container.uow(), ids=container.ids(), clock=container.clock(),
        telling=container.telling())
    container.outbox_notifier().wake()
    click.echo(f"settled {report.settled}, failed {report.failed}, unchanged "
               f"{report.unchanged}, residents told {report.notified}; batch "
               f"{report.batch.state.label}")
    for disbursement_id, reason in report.failures:
        click.echo(f"  failed {disbursement_id}: {reason}")


@click.command("ledger")
@click.argument("program")
@pass_context
def batch_ledger(ctx: CliContext, program: str) -> None:
    """Check 支払済 + 支払不能 + 支払待ち = 支給決定額 for a program (exit 1 if not)."""
    container = ready(ctx)
    found = find_program(program, uow=container.uow())
    ledger = check_ledger(found.id, uow=container.uow())
    click.echo(f"approved {ledger.approved.yen} = paid {ledger.paid.yen} + failed "
               f"{ledger.failed.yen} + pending {ledger.pending.yen}: "
               f"{'balanced' if ledger.balanced else 'NOT balanced'}")
    for problem in ledger.discrepancies:
        click.echo(f"  {problem}")
    if not ledger.balanced:
        raise SystemExit(1)


@click.command("repay")
@click.argument("application_id")
@click.option("--bank", default=None, help="Bank code (4 digits); without the account options "
              "the re-payment goes to the checked account on the application.")
@click.option("--branch", default=None, help="Branch code (3 digits).")
@click.option("--type", "account_type", default="1", show_default=True,
              type=click.Choice(["1", "2", "4", "9"]))
@click.option("--number", default=None)
@click.option("--holder", default=None, help="Account holder in kana.")
@click.option("--by", "login_id", default=None)
@pass_context
def batch_repay(ctx: CliContext, application_id: str, bank: str | None, branch: str | None,
                account_type: str, number: str | None, holder: str | None,
                login_id: str | None) -> None:
    """Pay a failed payment again (next batch) to the checked account on the application, or
    keep a typed corrected account for another staff member to check first."""
    container = ready(ctx)
    account = None
    if any((bank, branch, number, holder)):
        account = BankAccount.of(bank_code=bank or "", branch_code=branch or "",
                                 account_type=account_type, number=number or "",
                                 holder=holder or "")
    repayment = repay_application(
        RepayApplication(application_id=application_id,
                         actor=staff_or_operator(container, login_id), account=account),
        uow=container.uow(), ids=container.ids(), clock=container.clock())
    if repayment is None:
        click.echo("account saved: another staff member must check it (staff page), then the "
                   "re-payment is registered from it")
        return
    click.echo(f"repayment {repayment.id} pending: it goes into the next batch")


@click.command("issue-codes")
@click.argument("batch_id")
@click.option("--by", "login_id", default=None)
@pass_context
def batch_issue_codes(ctx: CliContext, batch_id: str, login_id: str | None) -> None:
    """Issue ATM pickup codes for an approved cash batch and send them to the residents."""
    container = ready(ctx)
    issued = issue_cash_codes(
        IssueCashCodes(batch_id=batch_id, actor=staff_or_operator(container, login_id)),
        uow=container.uow(), ids=container.ids(), clock=container.clock(),
        provider=container.cash_provider())
    container.outbox_notifier().wake()
    click.echo(f"batch {issued.id}: {issued.count} pickup codes issued")


@click.command("refresh-codes")
@pass_context
def batch_refresh_codes(ctx: CliContext) -> None:
    """Ask the cash provider about issued codes: picked up, expired (re-issued), failed."""
    container = ready(ctx)
    report = refresh_cash_payouts(uow=container.uow(), ids=container.ids(),
                                  clock=container.clock(), provider=container.cash_provider())
    container.outbox_notifier().wake()
    click.echo(f"picked up {report.picked_up}, re-issued {report.reissued}, "
               f"failed {report.failed}")
