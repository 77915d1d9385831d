"""`madoguchi cases …`: the inbox's upkeep (ADR 0047)."""

from __future__ import annotations

import click

from application.cases.erasing_expired_cases import EraseExpiredCases, erase_expired_cases
from application.dates import japanese_datetime
from entrypoints.cli.context import CliContext, CliGroup, operator, pass_context, ready

__all__ = ["cases"]


@click.group(cls=CliGroup)
def cases() -> None:
    """The town's inbox (cases)."""


@cases.command("erase-expired")
@click.option("--dry-run", is_flag=True, help="Count the cases past retention; change nothing.")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="The retention in days (default: MADOGUCHI_CASE_RETENTION_DAYS).")
@pass_context
def cases_erase_expired(ctx: CliContext, dry_run: bool, days: int | None) -> None:
    """Erase the personal data of cases closed longer ago than the retention period (the
    scheduler does it too); the numbers, departments, dates and statuses stay. Audited."""
    container = ready(ctx)
    retention = days if days is not None else container.config.case_retention_days()
    if retention == 0:
        click.echo("retention is off (MADOGUCHI_CASE_RETENTION_DAYS=0): nothing erased")
        return
    erased = erase_expired_cases(EraseExpiredCases(retention_days=retention, dry_run=dry_run,
                                                   actor=operator()),
                                 uow_factory=container.uow, clock=container.clock())
    closed_before = japanese_datetime(erased.cutoff) if erased.cutoff else ""
    if dry_run:
        click.echo(f"{erased.cases} case(s) closed before {closed_before} would be erased "
                   "(dry run: nothing changed)")
    else:
        click.echo(f"{erased.cases} case(s) closed before {closed_before} erased, "
                   f"{erased.photos} photo(s) deleted")
