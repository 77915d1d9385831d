"""The `madoguchi` command line: one module per command group, assembled here.

`context` holds what the commands share (the container, the error-to-message group, the schema
check, waiting for a job, who acts)."""

from __future__ import annotations

import click

from entrypoints.cli.apikey import apikey
from entrypoints.cli.audit import audit
from entrypoints.cli.backup import backup, restore
from entrypoints.cli.batch import batch
from entrypoints.cli.cases import cases
from entrypoints.cli.certificates import certificates
from entrypoints.cli.city import city
from entrypoints.cli.context import CliGroup
from entrypoints.cli.db import db
from entrypoints.cli.demo_town import demo
from entrypoints.cli.export import export
from entrypoints.cli.keys import keys
from entrypoints.cli.line import line
from entrypoints.cli.mail import mail
from entrypoints.cli.procedures import procedures
from entrypoints.cli.registry import registry
from entrypoints.cli.segments import segments
from entrypoints.cli.serve import line_sim, scheduler, serve, worker
from entrypoints.cli.staff import staff

__all__ = ["main"]


@click.group(cls=CliGroup, commands=[
    db, demo, serve, line_sim, worker, scheduler, registry, apikey, staff, keys, certificates,
    audit, batch, backup, restore, export, line, mail, cases, procedures, segments, city,
])
def main() -> None:
    """Madoguchi (窓口): the town hall in the resident's phone."""
