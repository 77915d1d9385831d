"""`madoguchi batch …`: payment batches, the Zengin transfer file, results, cash codes."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import tempfile
from pathlib import Path

import click

from application.access.actor import Actor
from application.benefits.views import find_program
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.cancelling_batch import CancelBatch, cancel_batch
from application.disbursements.cash_codes import (
    IssueCashCodes,
    issue_cash_codes,
    refresh_cash_payouts,
)
from application.disbursements.checking_ledger import check_ledger
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.disbursements.exporting_batch import ExportBatch, export_batch
from application.disbursements.importing_results import ImportResults, import_results
from application.disbursements.repaying_application import RepayApplication, repay_application
from application.disbursements.views import batch_page, batches
from domain.errors import NotFound
from domain.values import BankAccount
from entrypoints.cli import _Context, _Group, _require_schema, pass_context
from entrypoints.containers import Container

__all__ = ["batch"]


def _actor(container: Container, login_id: str | None) -> Actor:
    """A staff member by log-in id; without one, the operator at the console (an
    administrator: whoever runs this command has the database already)."""
    if login_id is None:
        return Actor.operator(getpass.getuser())
    with container.uow() as uow:
        member = uow.staff.get_by_login_id(login_id)
    if member is None or not member.active:
        raise NotFound(f"職員「{login_id}」が見つかりません。")
    return Actor.staff(member)


def _ready(ctx: _Context) -> Container:
    container = ctx.container
    _require_schema(container)
    return container


@click.group(cls=_Group)
def batch() -> None:
    """Payment batches (支払バッチ) and the Zengin transfer file."""


@batch.command("list")
@click.option("--program", default=None, help="Only this program (id or name).")
@pass_context
def batch_list(ctx: _Context, program: str | None) -> None:
    """Print id, program, method, count, total and state of each batch (newest first)."""
    container = _ready(ctx)
    program_id = (find_program(program, uow=container.uow()).id
                  if program is not None else None)
    found, names = batches(uow=container.uow(), program_id=program_id)
    rows = [(b.id, b.number, names.get(b.program_id, b.program_id), b.method.value,
             b.count, b.total.yen, b.state.value, b.transfer_date) for b in found]
    if not rows:
        click.echo("no batches")
        return
    click.echo("id\tno\tprogram\tmethod\tcount\ttotal\tstate\ttransfer_date")
    for row in rows:
        click.echo("\t".join(str(value) for value in row))


@batch.command("show")
@click.argument("batch_id")
@pass_context
def batch_show(ctx: _Context, batch_id: str) -> None:
    """A batch, its failed payments and its audit trail."""
    container = _ready(ctx)
    page = batch_page(batch_id, uow=container.uow(), with_ledger=False)
    found = page.batch
    click.echo(f"batch {found.id} (no. {found.number}): {found.method.label} "
               f"{found.count}件 {found.total.format()} 振込指定日 {found.transfer_date} "
               f"{found.state.label}")
    for d in page.failures:
        click.echo(f"  failed {d.id} application {d.application_id}: {d.failure_reason}")
    for entry in page.trail:
        click.echo(f"  {entry.at.isoformat()} {entry.actor} {entry.action} "
                   f"{entry.disbursement_id or ''} {entry.detail}".rstrip())


@batch.command("create")
@click.option("--program", required=True, help="Program id or name.")
@click.option("--method", default="bank_transfer", show_default=True,
              type=click.Choice(["bank_transfer", "atm_cash"]))
@click.option("--by", "login_id", required=True, help="Log-in id of the staff member.")
@click.option("--date", "transfer_date", default=None,
              help="Transfer date YYYY-MM-DD (a bank business day; default: 2 days on).")
@pass_context
def batch_create(ctx: _Context, program: str, method: str, login_id: str,
                 transfer_date: str | None) -> None:
    """Gather the approved, unpaid applications of a program into a draft batch."""
    container = _ready(ctx)
    day = None
    if transfer_date is not None:
        try:
            day = dt.date.fromisoformat(transfer_date)
        except ValueError:
            raise click.ClickException("--date は YYYY-MM-DD で指定してください。") from None
    created = create_batch(
        CreateBatch(program_id=program, method=method, actor=_actor(container, login_id),
                    transfer_date=day),
        uow=container.uow(), ids=container.ids(), clock=container.clock(),
        calendar=container.bank_calendar())
    click.echo(f"batch {created.id} (no. {created.number}): {created.count}件 "
               f"{created.total.format()} 振込指定日 {created.transfer_date}; "
               "another staff member must approve it")


@batch.command("approve")
@click.argument("batch_id")
@click.option("--by", "login_id", required=True, help="Log-in id (not the batch's maker).")
@pass_context
def batch_approve(ctx: _Context, batch_id: str, login_id: str) -> None:
    """Approve a draft batch (a second staff member with the approver role)."""
    container = _ready(ctx)
    approved = approve_batch(ApproveBatch(batch_id=batch_id,
                                          actor=_actor(container, login_id)),
                             uow=container.uow(), ids=container.ids(), clock=container.clock())
    click.echo(f"batch {approved.id} approved")


@batch.command("cancel")
@click.argument("batch_id")
@click.option("--reason", required=True)
@click.option("--by", "login_id", default=None)
@pass_context
def batch_cancel(ctx: _Context, batch_id: str, reason: str, login_id: str | None) -> None:
    """Cancel a batch before export; its payments can go into a new batch."""
    container = _ready(ctx)
    cancelled = cancel_batch(CancelBatch(batch_id=batch_id, actor=_actor(container, login_id),
                                         reason=reason),
                             uow=container.uow(), ids=container.ids(), clock=container.clock())
    click.echo(f"batch {cancelled.id} cancelled")


@batch.command("export")
@click.argument("batch_id")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False))
@click.option("--line-endings", default="crlf", show_default=True,
              type=click.Choice(["crlf", "none"]))
@click.option("--by", "login_id", default=None)
@pass_context
def batch_export(ctx: _Context, batch_id: str, out_path: str, line_endings: str,
                 login_id: str | None) -> None:
    """Write the Zengin transfer file (総合振込) of an approved batch. Again: the same bytes."""
    container = _ready(ctx)
    target = Path(out_path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            result = export_batch(
                ExportBatch(batch_id=batch_id, actor=_actor(container, login_id),
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


@batch.command("import-results")
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
def batch_import_results(ctx: _Context, batch_id: str, path: str, kind: str,
                         settle_rest: bool, login_id: str | None) -> None:
    """Mark payments settled or failed from the bank's result; tell those that failed."""
    container = _ready(ctx)
    with open(path, "rb") as stream:
        results = list(container.transfer_results().read(stream, kind=kind))
    report = import_results(
        ImportResults(batch_id=batch_id, actor=_actor(container, login_id),
                      settle_unlisted=settle_rest),
        results, uow=container.uow(), ids=container.ids(), clock=container.clock(),
        telling=container.telling())
    container.outbox_notifier().wake()
    click.echo(f"settled {report.settled}, failed {report.failed}, unchanged "
               f"{report.unchanged}, residents told {report.notified}; batch "
               f"{report.batch.state.label}")
    for disbursement_id, reason in report.failures:
        click.echo(f"  failed {disbursement_id}: {reason}")


@batch.command("ledger")
@click.argument("program")
@pass_context
def batch_ledger(ctx: _Context, program: str) -> None:
    """Check 支払済 + 支払不能 + 支払待ち = 支給決定額 for a program (exit 1 if not)."""
    container = _ready(ctx)
    ledger = check_ledger(find_program(program, uow=container.uow()).id, uow=container.uow())
    click.echo(f"approved {ledger.approved.yen} = paid {ledger.paid.yen} + failed "
               f"{ledger.failed.yen} + pending {ledger.pending.yen}: "
               f"{'balanced' if ledger.balanced else 'NOT balanced'}")
    for problem in ledger.discrepancies:
        click.echo(f"  {problem}")
    if not ledger.balanced:
        raise SystemExit(1)


@batch.command("repay")
@click.argument("application_id")
@click.option("--bank", required=True, help="Bank code (4 digits).")
@click.option("--branch", required=True, help="Branch code (3 digits).")
@click.option("--type", "account_type", default="1", show_default=True,
              type=click.Choice(["1", "2", "4", "9"]))
@click.option("--number", required=True)
@click.option("--holder", required=True, help="Account holder in kana.")
@click.option("--by", "login_id", default=None)
@pass_context
def batch_repay(ctx: _Context, application_id: str, bank: str, branch: str,
                account_type: str, number: str, holder: str, login_id: str | None) -> None:
    """Register the corrected account of a failed payment; it goes into the next batch."""
    container = _ready(ctx)
    account = BankAccount.of(bank_code=bank, branch_code=branch, account_type=account_type,
                             number=number, holder=holder)
    repayment = repay_application(
        RepayApplication(application_id=application_id, actor=_actor(container, login_id),
                         account=account),
        uow=container.uow(), ids=container.ids(), clock=container.clock())
    click.echo(f"repayment {repayment.id} pending: it goes into the next batch")


@batch.command("issue-codes")
@click.argument("batch_id")
@click.option("--by", "login_id", default=None)
@pass_context
def batch_issue_codes(ctx: _Context, batch_id: str, login_id: str | None) -> None:
    """Issue ATM pickup codes for an approved cash batch and send them to the residents."""
    container = _ready(ctx)
    issued = issue_cash_codes(IssueCashCodes(batch_id=batch_id,
                                             actor=_actor(container, login_id)),
                              uow=container.uow(), ids=container.ids(),
                              clock=container.clock(), provider=container.cash_provider())
    container.outbox_notifier().wake()
    click.echo(f"batch {issued.id}: {issued.count} pickup codes issued")


@batch.command("refresh-codes")
@pass_context
def batch_refresh_codes(ctx: _Context) -> None:
    """Ask the cash provider about issued codes: picked up, expired (re-issued), failed."""
    container = _ready(ctx)
    report = refresh_cash_payouts(uow=container.uow(), ids=container.ids(),
                                  clock=container.clock(), provider=container.cash_provider())
    container.outbox_notifier().wake()
    click.echo(f"picked up {report.picked_up}, re-issued {report.reissued}, "
               f"failed {report.failed}")
