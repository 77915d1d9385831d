"""`madoguchi registry …`: the resident registry (住民基本台帳 extract)."""

from __future__ import annotations

from pathlib import Path

import click

from application.jobs.running import start_job
from entrypoints.cli.context import CliContext, CliGroup, operator, pass_context, ready, wait_for
from entrypoints.jobs import IMPORT_REGISTRY

__all__ = ["registry"]


@click.group(cls=CliGroup)
def registry() -> None:
    """The resident registry (住民基本台帳 extract)."""


@registry.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--valid-rows", is_flag=True,
              help="Import the households without errors even if other rows have errors.")
@click.option("--partial", is_flag=True,
              help="The file is not the whole registry: nobody missing from it is removed.")
@pass_context
def registry_import(ctx: CliContext, path: str, valid_rows: bool, partial: bool) -> None:
    """Import a registry CSV (UTF-8 or CP932); prints the report. Safe to run again."""
    container = ready(ctx)
    job_id = start_job(IMPORT_REGISTRY,
                       {"path": str(Path(path).resolve()),
                        "mode": "valid_rows" if valid_rows else "all_or_nothing",
                        "full_extract": not partial},
                       uow=container.uow(), queue=container.job_queue(),
                       catalog=container.job_catalog(), ids=container.ids(),
                       clock=container.clock(), actor=operator(), partial=partial,
                       valid_rows=valid_rows)
    job = wait_for(container, job_id)
    if job.error:
        raise click.ClickException(job.error)
    report = job.result
    click.echo(report["summary"])
    for error in report["errors"]:
        click.echo(f"  {error['message']}")
    if not report["written"]:
        raise SystemExit(1)
