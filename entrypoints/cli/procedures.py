"""`madoguchi procedures …`: procedures as templates (ADR 0050): export one the town runs, check
a template file before it is imported."""

from __future__ import annotations

import json

import click

from application.cases.consultation_procedure import CONSULTATION_ROUTE
from application.cases.routing import DEFAULT_ROUTES
from application.conversations.procedure_templates import export_template, import_template
from entrypoints.cli.context import CliContext, CliGroup, pass_context

__all__ = ["procedures"]

_ROUTES = {route.procedure_id: route for route in (*DEFAULT_ROUTES, CONSULTATION_ROUTE)}


@click.group(cls=CliGroup)
def procedures() -> None:
    """Procedures (手続き) as templates."""


@procedures.command("export")
@click.argument("procedure_id")
@pass_context
def procedures_export(ctx: CliContext, procedure_id: str) -> None:
    """Print the template (madoguchi.procedure, version 1) of a procedure the town runs."""
    known = ctx.container.procedures()
    if procedure_id not in known:
        raise click.ClickException(f"「{procedure_id}」という手続きはありません"
                                   f"（{', '.join(sorted(known))}）。")
    template = export_template(known[procedure_id], _ROUTES.get(procedure_id))
    click.echo(json.dumps(template, ensure_ascii=False, indent=2))


@procedures.command("check")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def procedures_check(file: click.utils.LazyFile) -> None:
    """Check a template file: every problem with its place; exit status 1 if any."""
    try:
        data = json.load(file)
    except json.JSONDecodeError as error:
        raise click.ClickException(f"JSON として読めません（{error.lineno}行目）。") from None
    template = import_template(data)  # a TemplateRefused ends as its message and status 1
    click.echo(f"OK: {template.procedure.id}「{template.procedure.title}」"
               f"（質問{len(template.procedure.steps)}個）")
