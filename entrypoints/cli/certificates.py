"""`madoguchi certificates …`: certificate requests (証明書の請求) and their fee payments."""

from __future__ import annotations

import datetime as dt

import click

from application.payments.paying import expire_payments
from entrypoints.cli.context import CliContext, CliGroup, pass_context, ready

__all__ = ["certificates"]


@click.group(cls=CliGroup)
def certificates() -> None:
    """Certificate requests (証明書の請求) and their fee payments."""


@certificates.command("expire-payments")
@click.option("--minutes", default=30, show_default=True, type=click.IntRange(min=1),
              help="An attempt open longer than this is cancelled with the provider.")
@pass_context
def certificates_expire_payments(ctx: CliContext, minutes: int) -> None:
    """Settle or cancel fee payments left open, of certificate requests and of procedures'
    fees alike (ADR 0053; run it every few minutes from cron)."""
    container = ready(ctx)
    counts = expire_payments(uow_factory=container.uow, gateway=container.payment_gateway(),
                             clock=container.clock(), ttl=dt.timedelta(minutes=minutes))
    container.outbox_notifier().wake()
    click.echo(f"paid {counts['paid']}, lapsed {counts['lapsed']}, "
               f"still waiting {counts['waiting']}")
