"""`madoguchi mail …`: the e-mail channel's upkeep (ADR 0040)."""

from __future__ import annotations

import sys

import click

from adapters.email.bounces import hard_bounces
from application.channels.recording_bounces import RecordBounces, record_bounces
from entrypoints.cli.context import CliContext, CliGroup, operator, pass_context, ready

__all__ = ["mail"]


@click.group(cls=CliGroup)
def mail() -> None:
    """The e-mail channel."""


@mail.command("bounce")
@click.argument("dsn", type=click.File("rb"), required=False)
@click.option("--address", "addresses", multiple=True, metavar="ADDRESS",
              help="An address known to bounce (again for more); instead of a DSN.")
@pass_context
def mail_bounce(ctx: CliContext, dsn: click.utils.LazyFile | None,
                addresses: tuple[str, ...]) -> None:
    """Shut the e-mail addresses a delivery status notification (DSN, a file or standard
    input) reports as failed for good, so their residents are told on another channel.

    Pipe the bounce address's mail to it (e.g. an alias `|madoguchi mail bounce`)."""
    container = ready(ctx)
    found = list(addresses)
    if not found:
        raw = dsn.read() if dsn is not None else sys.stdin.buffer.read()
        found = hard_bounces(raw)
    shut = record_bounces(RecordBounces(found, operator()), uow=container.uow(),
                          clock=container.clock())
    click.echo(f"{len(found)} hard bounce(s) reported, {shut} address(es) shut")
