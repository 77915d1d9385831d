"""`madoguchi apikey …`: integrator API keys."""

from __future__ import annotations

import click

from application.access.creating_api_key import CreateApiKey, create_api_key
from domain.staff import Role
from entrypoints.cli.context import CliContext, CliGroup, operator, pass_context

__all__ = ["apikey"]


@click.group(cls=CliGroup)
def apikey() -> None:
    """Integrator API keys."""


@apikey.command("create")
@click.option("--name", required=True, help="Who uses the key (e.g. the vendor's system).")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@pass_context
def apikey_create(ctx: CliContext, name: str, role: str) -> None:
    """Create a key and print it once: only its hash is stored."""
    container = ctx.container
    created = create_api_key(CreateApiKey(name=name, role=role, actor=operator()),
                             uow=container.uow(), ids=container.ids(), clock=container.clock())
    click.echo(created.secret)
    click.echo(f"key {created.id} for {name!r} ({role}); store it now: it is not shown again",
               err=True)
