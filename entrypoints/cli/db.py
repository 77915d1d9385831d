"""`madoguchi db …`: the database schema (Alembic migrations)."""

from __future__ import annotations

import click

from adapters.persistence import migrating
from entrypoints.cli.context import CliContext, CliGroup, pass_context

__all__ = ["db"]


@click.group(cls=CliGroup)
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_context
def db_upgrade(ctx: CliContext, revision: str) -> None:
    """Migrate the database up to REVISION (default: the newest)."""
    engine = ctx.container.engine()
    migrating.upgrade(engine, revision)
    click.echo(f"database at revision {migrating.current_revision(engine)}")


@db.command("downgrade")
@click.argument("revision")
@pass_context
def db_downgrade(ctx: CliContext, revision: str) -> None:
    """Migrate the database down to REVISION ("base" removes every table)."""
    engine = ctx.container.engine()
    migrating.downgrade(engine, revision)
    click.echo(f"database at revision {migrating.current_revision(engine) or 'base'}")


@db.command("current")
@pass_context
def db_current(ctx: CliContext) -> None:
    """Print the database's revision and the newest one."""
    current = migrating.current_revision(ctx.container.engine())
    click.echo(f"current: {current or 'base'}  head: {migrating.head_revision()}")
