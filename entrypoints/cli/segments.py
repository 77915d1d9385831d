"""`madoguchi segments …`: what segments select on (ADR 0056)."""

from __future__ import annotations

import click

from application.residents.profiles import refresh_profiles
from entrypoints.cli.context import CliContext, CliGroup, operator, pass_context, ready

__all__ = ["segments"]


@click.group(cls=CliGroup)
def segments() -> None:
    """Segments (配信対象): the residents' attributes they select on."""


@segments.command("refresh-profiles")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=1000, show_default=True)
@pass_context
def refresh(ctx: CliContext, batch_size: int) -> None:
    """Rebuild every resident's area, month of birth, sex and household for segments from the
    registry's facts (a database imported before segments existed). Safe to run again."""
    container = ready(ctx)
    written = refresh_profiles(actor=operator(), uow_factory=container.uow,
                               clock=container.clock(), batch_size=batch_size)
    click.echo(f"{written:,}人の配信対象用の属性を作り直しました。")
