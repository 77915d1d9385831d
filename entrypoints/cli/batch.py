"""`madoguchi batch …`: payment batches (支払バッチ) and the Zengin transfer file. Here: listing
batches, making one and approving or cancelling it; paying it out is in `batch_payouts`."""

from __future__ import annotations

import datetime as dt

import click

from application.benefits.views import find_program
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.cancelling_batch import CancelBatch, cancel_batch
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.disbursements.views import batch_page, batches
from entrypoints.cli.batch_payouts import (
    batch_export,
    batch_import_results,
    batch_issue_codes,
    batch_ledger,
    batch_refresh_codes,
    batch_repay,
)
from entrypoints.cli.context import (
    CliContext,
    CliGroup,
    pass_context,
    ready,
    staff_or_operator,
)

__all__ = ["batch"]


@click.command("list")
@click.option("--program", default=None, help="Only this program (id or name).")
@pass_context
def batch_list(ctx: CliContext, program: str | None) -> None:
    """Print id, program, method, count, total and state of each batch (newest first)."""
    container = ready(ctx)
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


@click.command("show")
@click.argument("batch_id")
@pass_context
def batch_show(ctx: CliContext, batch_id: str) -> None:
    """A batch, its failed payments and its audit trail."""
    container = ready(ctx)
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


@click.command("create")
@click.option("--program", required=True, help="Program id or name.")
@click.option("--method", default="bank_transfer", show_default=True,
              type=click.Choice(["bank_transfer", "atm_cash"]))
@click.option("--by", "login_id", required=True, help="Log-in id of the staff member.")
@click.option("--date", "transfer_date", default=None,
              help="Transfer date YYYY-MM-DD (a bank business day; default: 2 days on).")
@pass_context
def batch_create(ctx: CliContext, program: str, method: str, login_id: str,
                 transfer_date: str | None) -> None:
    """Gather the approved, unpaid applications of a program into a draft batch."""
    container = ready(ctx)
    day = None
    if transfer_date is not None:
        try:
            day = dt.date.fromisoformat(transfer_date)
        except ValueError:
            raise click.ClickException("--date は YYYY-MM-DD で指定してください。") from None
    created = create_batch(
        CreateBatch(program_id=program, method=method,
                    actor=staff_or_operator(container, login_id), transfer_date=day),
        uow=container.uow(), ids=container.ids(), clock=container.clock(),
        calendar=container.bank_calendar())
    click.echo(f"batch {created.id} (no. {created.number}): {created.count}件 "
               f"{created.total.format()} 振込指定日 {created.transfer_date}; "
               "another staff member must approve it")


@click.command("approve")
@click.argument("batch_id")
@click.option("--by", "login_id", required=True, help="Log-in id (not the batch's maker).")
@pass_context
def batch_approve(ctx: CliContext, batch_id: str, login_id: str) -> None:
    """Approve a draft batch (a second staff member with the approver role)."""
    container = ready(ctx)
    approved = approve_batch(
        ApproveBatch(batch_id=batch_id, actor=staff_or_operator(container, login_id)),
        uow=container.uow(), ids=container.ids(), clock=container.clock())
    click.echo(f"batch {approved.id} approved")


@click.command("cancel")
@click.argument("batch_id")
@click.option("--reason", required=True)
@click.option("--by", "login_id", default=None)
@pass_context
def batch_cancel(ctx: CliContext, batch_id: str, reason: str, login_id: str | None) -> None:
    """Cancel a batch before export; its payments can go into a new batch."""
    container = ready(ctx)
    cancelled = cancel_batch(
        CancelBatch(batch_id=batch_id, actor=staff_or_operator(container, login_id),
                    reason=reason),
        uow=container.uow(), ids=container.ids(), clock=container.clock())
    click.echo(f"batch {cancelled.id} cancelled")


@click.group(cls=CliGroup, commands=[
    batch_list, batch_show, batch_create, batch_approve, batch_cancel, batch_export,
    batch_import_results, batch_ledger, batch_repay, batch_issue_codes, batch_refresh_codes,
])
def batch() -> None:
    """Payment batches (支払バッチ) and the Zengin transfer file."""
