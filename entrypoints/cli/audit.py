"""`madoguchi audit …`: the audit log (監査ログ)."""

from __future__ import annotations

import click

from application.audit.verifying_chain import verify_audit_chain
from entrypoints.cli.context import CliContext, CliGroup, pass_context

__all__ = ["audit"]


@click.group(cls=CliGroup)
def audit() -> None:
    """The audit log (監査ログ)."""


@audit.command("verify")
@pass_context
def audit_verify(ctx: CliContext) -> None:
    """Check the audit log's hash chain; exit status 1 when a record was changed or deleted."""
    report = verify_audit_chain(uow_factory=ctx.container.uow)
    if report.intact:
        click.echo(f"audit log intact: {report.checked} records verified")
        return
    click.echo(f"audit log BROKEN at record {report.broken_at} after {report.checked} good "
               f"records: {report.problem}", err=True)
    raise SystemExit(1)
