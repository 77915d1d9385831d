"""`madoguchi city check`: whether the settings fit the city-sized topology (Procfile.city)
before `make city` starts it (ADR 0066)."""

from __future__ import annotations

import os
from pathlib import Path

import click
import redis
from sqlalchemy import text
from sqlalchemy.engine import make_url

from adapters.background.celery_queue import ROUTES
from adapters.persistence.database import make_engine, normalize_url
from entrypoints.cli.context import CliContext, CliGroup, pass_context
from entrypoints.pool_settings import connections_per_process
from entrypoints.topology import PROCFILE, budget, read_procfile

__all__ = ["city"]

KEPT_FREE = 5  # connections left for a psql, a backup, a migration (beyond the superuser's)


@click.group(cls=CliGroup)
def city() -> None:
    """The city-sized deployment: gunicorn, Celery workers and beat on PostgreSQL and Redis."""


@city.command("check")
@click.option("--procfile", default=PROCFILE, show_default=True, type=click.Path(
    exists=True, dir_okay=False, path_type=Path))
@pass_context
def check(ctx: CliContext, procfile: Path) -> None:
    """Refuse what would not work: SQLite, the in-process queue, a queue no worker consumes,
    not exactly one beat, or pools that together exceed PostgreSQL's max_connections."""
    url = os.environ.get("DATABASE_URL", "")
    if make_url(normalize_url(url or "sqlite://")).get_backend_name() != "postgresql":
        raise click.ClickException(
            "a city-sized deployment needs PostgreSQL: its processes write at once and SQLite "
            "takes one writer at a time. Set DATABASE_URL=postgresql://USER@HOST/DATABASE "
            "(see .env.city.example)")
    container = ctx.container
    if container.config.task_queue() != "celery":
        raise click.ClickException("a city-sized deployment runs its jobs on Celery workers: "
                                   "set MADOGUCHI_TASK_QUEUE=celery (and CELERY_BROKER_URL)")
    entries = read_procfile(procfile.read_text(), os.environ)
    consumed = {queue for entry in entries for queue in entry.queues}
    if missing := sorted(set(ROUTES.values()) - consumed):
        raise click.ClickException(f"{procfile}: no worker consumes the queue(s) "
                                   f"{', '.join(missing)}")
    if (beats := sum(entry.is_beat for entry in entries)) != 1:
        raise click.ClickException(f"{procfile}: run exactly one beat (`madoguchi scheduler`), "
                                   f"not {beats}")
    broker = redis.Redis.from_url(container.config.broker_url(), socket_timeout=2,
                                  socket_connect_timeout=2)
    try:
        broker.ping()
    except redis.RedisError:
        raise click.ClickException("the Celery broker (CELERY_BROKER_URL) does not answer"
                                   ) from None
    finally:
        broker.close()
    engine = make_engine(container.config.database_url(), pool_size=1, max_overflow=0)
    try:
        with engine.connect() as connection:
            most = int(connection.execute(text("SHOW max_connections")).scalar_one())
            reserved = int(connection.execute(
                text("SHOW superuser_reserved_connections")).scalar_one())
    finally:
        engine.dispose()
    pools = budget(entries, per_process=connections_per_process({
        "db_pool_size": container.config.db_pool_size(),
        "db_max_overflow": container.config.db_max_overflow()}),
        max_connections=most, reserved=reserved + KEPT_FREE)
    if not pools.fits:
        raise click.ClickException(
            f"the pools do not fit: {pools.summary()}. Lower MADOGUCHI_DB_POOL_SIZE or "
            "MADOGUCHI_DB_MAX_OVERFLOW, run fewer processes, or raise max_connections")
    for entry in entries:
        click.echo(f"{entry.name}: {' '.join(entry.argv)}")
    click.echo(f"connections: {pools.summary()}")
    click.echo("ok")
