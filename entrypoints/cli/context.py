"""What every `madoguchi` command shares: the container (built on first use), the group class
that ends domain errors as their message, and the helpers commands need (the schema check,
waiting for a job, who acts)."""

from __future__ import annotations

import getpass
import time

import click

from adapters.persistence import migrating
from application.access.actor import Actor
from application.jobs.job import Job
from application.jobs.running import job_status
from application.staff.views import member_by_login_id
from domain.errors import DomainError, NotFound
from entrypoints.config import ConfigurationError, Settings
from entrypoints.containers import Container, build_container, shutdown
from entrypoints.key_ring import check_key_ring

__all__ = [
    "CliContext",
    "CliGroup",
    "operator",
    "pass_context",
    "ready",
    "require_schema",
    "staff_or_operator",
    "wait_for",
]


class CliContext:
    """The command's state: the container, built from the environment when a command first
    needs it (so `--help` and `keys generate` need no configuration)."""

    def __init__(self) -> None:
        self._container: Container | None = None

    @property
    def container(self) -> Container:
        if self._container is None:
            try:
                self._container = build_container(Settings.from_env())
            except ConfigurationError as error:
                raise click.ClickException(str(error)) from None
            # the threads a command's work started (the outbox's sends after telling a
            # resident, a job's) end with the command, whatever it did
            click.get_current_context().call_on_close(self.close)
        return self._container

    def close(self) -> None:
        if self._container is not None:
            shutdown(self._container)


pass_context = click.make_pass_decorator(CliContext, ensure=True)


class CliGroup(click.Group):
    """Domain errors end as their Japanese message and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except DomainError as error:
            raise click.ClickException(error.message) from None


def operator() -> Actor:
    """Whoever runs the command on the server (recorded by their operating-system user)."""
    return Actor.operator(getpass.getuser())


def staff_or_operator(container: Container, login_id: str | None) -> Actor:
    """A staff member by log-in id (`--by`); without one, the operator at the console (an
    administrator: whoever runs the command has the database already)."""
    if login_id is None:
        return operator()
    member = member_by_login_id(login_id, uow=container.uow())
    if member is None or not member.active:
        raise NotFound(f"職員「{login_id}」が見つかりません。")
    return Actor.staff(member)


def require_schema(container: Container) -> None:
    if migrating.current_revision(container.engine()) != migrating.head_revision():
        raise click.ClickException("the database schema is not current: run "
                                   "`madoguchi db upgrade` first")


def ready(ctx: CliContext) -> Container:
    """The container, once the database schema is known to be current and the data keys are
    known to open what it holds (where they live is logged)."""
    container = ctx.container
    require_schema(container)
    try:
        check_key_ring(container)
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None
    return container


def wait_for(container: Container, job_id: str) -> Job:
    """Wait for a job to finish, showing its progress on standard error."""
    shown = -1
    while True:
        job = job_status(job_id, uow=container.uow())
        if job.progress_total and job.progress_done != shown:
            shown = job.progress_done
            click.echo(f"  {job.progress_done}/{job.progress_total}", err=True)
        if job.finished:
            return job
        time.sleep(0.2)
