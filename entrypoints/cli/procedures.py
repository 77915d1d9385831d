"""`madoguchi procedures …`: procedures as templates (ADR 0050): export one the town runs, check
a template file, import one as a draft (and publish it), or import the whole library that comes
with Madoguchi (templates/procedures/) in one command on a fresh install."""

from __future__ import annotations

import json
from pathlib import Path

import click

from application.access.actor import Actor
from application.cases.consultation_procedure import CONSULTATION_ROUTE
from application.cases.routing import DEFAULT_ROUTES
from application.conversations.procedure_templates import (
    TemplateRefused,
    export_template,
    import_template,
)
from entrypoints.cli.context import CliContext, CliGroup, pass_context, ready, staff_or_operator
from entrypoints.cli.procedure_import import (
    LIBRARY,
    DepartmentMapping,
    import_file,
    import_library_file,
    publish,
    read_file,
)
from entrypoints.containers import Container

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
    current = known.current(procedure_id)
    if current is None:
        raise click.ClickException(f"「{procedure_id}」という手続きはありません"
                                   f"（{', '.join(sorted(known))}、ほかは公開中の手続き）。")
    procedure, version = current  # a built one: its newest version, with its own routing
    template = export_template(procedure,
                               _ROUTES.get(procedure_id) or known.route(procedure_id, version))
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


_DEPARTMENT_HELP = ("A department of the template mapped onto one of the town's: "
                    "'their name=our name' (repeat for each).")
_BY_HELP = "Log-in id of the staff member who imports (default: the operator at the console)."


@procedures.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--department", "departments", multiple=True, metavar="THEIRS=OURS",
              help=_DEPARTMENT_HELP)
@click.option("--id", "new_id", default=None, help="Another id, when the template's is taken.")
@click.option("--publish", "then_publish", is_flag=True,
              help="Publish it at once (residents can start it).")
@click.option("--by", "login_id", default=None, help=_BY_HELP)
@pass_context
def procedures_import(ctx: CliContext, file: Path, departments: tuple[str, ...],
                      new_id: str | None, then_publish: bool, login_id: str | None) -> None:
    """Import a template file as a new draft: every problem with its place, nothing saved
    unless all pass (exit status 1)."""
    container = ready(ctx)
    actor = staff_or_operator(container, login_id)
    imported = import_file(container, read_file(file), actor=actor,
                           mapping=DepartmentMapping.read(departments), new_id=new_id)
    built = imported.procedure
    click.echo(f"imported {built.id}「{built.title}」as a draft")
    if then_publish:
        version = publish(container, built.id, actor=actor)
        click.echo(f"published {built.id} version {version.number}")


@procedures.command("import-library")
@click.option("--department", "departments", multiple=True, metavar="THEIRS=OURS",
              help=_DEPARTMENT_HELP)
@click.option("--create-departments", is_flag=True,
              help="Create the departments the templates name that the town does not have.")
@click.option("--from", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=LIBRARY, show_default=True, help="The folder of templates.")
@click.option("--by", "login_id", default=None, help=_BY_HELP)
@pass_context
def procedures_import_library(ctx: CliContext, departments: tuple[str, ...],
                              create_departments: bool, folder: Path,
                              login_id: str | None) -> None:
    """Import, as drafts, every template of the library the town does not have yet (one
    already here, by its id, is left as it is). Each refused template is said with every
    problem; exit status 1 if any was refused."""
    container = ready(ctx)
    actor = staff_or_operator(container, login_id)
    mapping = DepartmentMapping.read(departments)
    if mapping.problems:
        raise TemplateRefused(mapping.problems)
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise click.ClickException(f"{folder}: テンプレート（*.json）がありません。")
    counts = {"imported": 0, "here": 0, "refused": 0}
    for path in paths:
        outcome = _import_one(container, path, actor=actor, mapping=mapping,
                              create_departments=create_departments)
        counts[outcome] += 1
    click.echo(f"{counts['imported']} imported as drafts, {counts['here']} already in the "
               f"town, {counts['refused']} refused")
    if counts["refused"]:
        click.get_current_context().exit(1)


def _import_one(container: Container, path: Path, *, actor: Actor,
                mapping: DepartmentMapping, create_departments: bool) -> str:
    """One file of the library: "imported", "here" (its id is taken) or "refused"."""
    try:
        imported = import_library_file(container, path, actor=actor, mapping=mapping,
                                       create_departments=create_departments)
    except TemplateRefused as refused:
        click.echo(f"{path.name}: refused\n" + "\n".join(
            f"  {problem.message}" for problem in refused.problems), err=True)
        return "refused"
    if imported is None:
        click.echo(f"{path.name}: already in the town")
        return "here"
    built = imported.procedure
    for name in imported.created_departments:
        click.echo(f"created department「{name}」")
    click.echo(f"{path.name}: imported {built.id}「{built.title}」as a draft")
    return "imported"
