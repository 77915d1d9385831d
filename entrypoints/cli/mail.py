"""`madoguchi mail …`: the e-mail channel's upkeep (ADR 0040, 0043)."""

from __future__ import annotations

import sys

import click

from adapters.email.bounces import hard_bounces
from application.access.actor import Actor
from application.channels.recording_bounces import (
    Bounce,
    BouncesRecorded,
    RecordBounces,
    record_bounces,
)
from entrypoints.cli.context import CliContext, CliGroup, operator, pass_context, ready
from entrypoints.containers import Container

__all__ = ["mail", "record_bounce_report"]


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
    input) reports as failed for good, so their residents are told on another channel; the
    notice in the mail that bounced (named by the Message-ID the DSN returns) goes on to the
    resident's next channel at once.

    Pipe the bounce address's mail to it (e.g. an alias `|madoguchi mail bounce`)."""
    container = ready(ctx)
    if addresses:
        found = [Bounce(address=address) for address in addresses]
        recorded = _recorded(container, found, operator())
    else:
        raw = dsn.read() if dsn is not None else sys.stdin.buffer.read()
        found, recorded = record_bounce_report(container, raw, operator())
    click.echo(f"{len(found)} hard bounce(s) reported, {recorded.shut} address(es) shut, "
               f"{recorded.failed} mail(s) marked permanent-failure")


def record_bounce_report(container: Container, raw: bytes,
                         actor: Actor) -> tuple[list[Bounce], BouncesRecorded]:
    """A DSN's hard bounces recorded (the command's path, and the simulator's 不達にする)."""
    found = hard_bounces(raw)
    return found, _recorded(container, found, actor)


def _recorded(container: Container, found: list[Bounce], actor: Actor) -> BouncesRecorded:
    recorded = record_bounces(RecordBounces(found, actor), uow=container.uow(),
                              clock=container.clock())
    if recorded.failed:
        container.outbox_notifier().wake()  # the notices carried on to the next rung, now
    return recorded
