"""The `madoguchi` command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from adapters.crypto import new_key
from adapters.persistence import migrating
from adapters.persistence.key_rotation import rotate_encrypted_columns
from application.access.creating_api_key import CreateApiKey, create_api_key
from application.demo.seeding_demo_town import DEMO_PROGRAM_NAME, DEMO_STAFF
from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
from application.tasks import start_job
from domain.errors import DomainError
from domain.staff import Role
from entrypoints.config import ConfigurationError, Settings
from entrypoints.containers import Container, build_container, shutdown
from entrypoints.tasks import IMPORT_REGISTRY, SEED_DEMO_TOWN

__all__ = ["main"]


class _Context:
    def __init__(self) -> None:
        self._container: Container | None = None

    @property
    def container(self) -> Container:
        if self._container is None:
            try:
                self._container = build_container(Settings.from_env())
            except ConfigurationError as error:
                raise click.ClickException(str(error)) from None
        return self._container


pass_context = click.make_pass_decorator(_Context, ensure=True)


class _Group(click.Group):
    """Domain errors end as their Japanese message and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except DomainError as error:
            raise click.ClickException(error.message) from None


@click.group(cls=_Group)
def main() -> None:
    """Madoguchi (窓口): the town hall in the resident's phone."""


@main.group(cls=_Group)
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_context
def db_upgrade(ctx: _Context, revision: str) -> None:
    """Migrate the database up to REVISION (default: the newest)."""
    engine = ctx.container.engine()
    migrating.upgrade(engine, revision)
    click.echo(f"database at revision {migrating.current_revision(engine)}")


@db.command("downgrade")
@click.argument("revision")
@pass_context
def db_downgrade(ctx: _Context, revision: str) -> None:
    """Migrate the database down to REVISION ("base" removes every table)."""
    engine = ctx.container.engine()
    migrating.downgrade(engine, revision)
    click.echo(f"database at revision {migrating.current_revision(engine) or 'base'}")


@db.command("current")
@pass_context
def db_current(ctx: _Context) -> None:
    """Print the database's revision and the newest one."""
    current = migrating.current_revision(ctx.container.engine())
    click.echo(f"current: {current or 'base'}  head: {migrating.head_revision()}")


@main.command()
@click.option("--households", default=200, show_default=True, help="Synthetic households.")
@pass_context
def demo(ctx: _Context, households: int) -> None:
    """Seed the demo town into the configured database (safe to run again)."""
    container = ctx.container
    _require_schema(container)
    job_id = start_job(SEED_DEMO_TOWN, {"households": households}, uow=container.uow(),
                       queue=container.task_queue(), registry=container.task_registry(),
                       ids=container.ids(), clock=container.clock())
    job = _wait_for(container, job_id)
    if job.error:
        raise click.ClickException(job.error)
    created = job.result
    click.echo(f"demo town {container.config.town_name()}: "
               f"{created['households']} households and {created['residents']} residents added, "
               f"{created['staff']} staff accounts, {created['programs']} program(s)")
    click.echo(f"program: {DEMO_PROGRAM_NAME} (受付中)")
    click.echo("staff log-ins (password: madoguchi-demo): "
               + ", ".join(f"{login} ({role.value})" for login, _, role in DEMO_STAFF))
    if created.get("payment_batch"):
        click.echo(f"approved bank-transfer batch: {created['payment_batch']} "
                   f"(madoguchi batch export {created['payment_batch']} --out transfer.txt)")


def _wait_for(container: Container, job_id: str):  # type: ignore[no-untyped-def]
    shown = -1
    while True:
        with container.uow() as uow:
            job = uow.jobs.get(job_id)
        if job.progress_total and job.progress_done != shown:
            shown = job.progress_done
            click.echo(f"  {job.progress_done}/{job.progress_total}", err=True)
        if job.finished:
            return job
        time.sleep(0.2)


def _require_schema(container: Container) -> None:
    if migrating.current_revision(container.engine()) != migrating.head_revision():
        raise click.ClickException("the database schema is not current: run "
                                   "`madoguchi db upgrade` first")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--line-sim", "line_sim_port", type=int, default=None, metavar="PORT",
              help="Also run the LINE simulator on PORT and send LINE messages to it.")
@pass_context
def serve(ctx: _Context, host: str, port: int, line_sim_port: int | None) -> None:
    """Serve the web app (staff UI, REST API, webhooks) with a threaded server.

    In production run `gunicorn entrypoints.wsgi:app` instead."""
    from contextlib import nullcontext

    from werkzeug.serving import run_simple

    from adapters.line.simulator.running import running_simulator
    from entrypoints.web import create_app

    container = ctx.container
    _require_schema(container)
    simulator = nullcontext()
    if line_sim_port is not None:
        if container.config.environment() == "production":
            raise click.ClickException("the LINE simulator is not for production")
        simulator = running_simulator(
            container.config.line.channel_secret(), container.config.line.access_token(),
            f"http://{host}:{port}/line/webhook", host=host, port=line_sim_port,
            bot_name=f"{container.config.town_name()}役場")
    with simulator as sim:
        if sim is not None:
            container.config.line.api_base_url.from_value(sim.base_url)
            click.echo(f"LINE simulator (the residents' phones): {sim.base_url}/")
        click.echo(f"Madoguchi for {container.config.town_name()} on http://{host}:{port}/")
        _show_demo_login(container, f"http://{host}:{port}/staff")
        try:
            run_simple(host, port, create_app(container), threaded=True, use_reloader=False)
        finally:  # the job and outbox threads end before the simulator they may be talking to
            shutdown(container)


@main.command("line-sim")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--webhook", default="http://127.0.0.1:8000/line/webhook", show_default=True,
              help="Where the simulated platform delivers signed webhooks.")
@click.option("--users", default=0, show_default=True, help="Extra simulated residents.")
@click.option("--error-rate", default=0.0, show_default=True,
              help="Fraction of pushes answered 500 (to try the retries).")
@pass_context
def line_sim(ctx: _Context, host: str, port: int, webhook: str, users: int,
             error_rate: float) -> None:
    """Run a local simulator of the LINE platform: Messaging API, webhooks and a phone page.

    Point Madoguchi at it with LINE_API_BASE_URL=http://HOST:PORT (same channel secret and
    access token on both sides; the development defaults match)."""
    from adapters.line.simulator.running import serve as serve_simulator

    settings = Settings.from_env()
    if settings.environment == "production":
        raise click.ClickException("the LINE simulator is not for production")
    serve_simulator(host, port, channel_secret=settings.line_channel_secret,
                    access_token=settings.line_access_token, webhook_url=webhook,
                    users=users, error_rate=error_rate,
                    bot_name=f"{settings.town_name}役場", echo=click.echo)


@main.command()
@click.option("--concurrency", default=2, show_default=True, type=int)
@pass_context
def worker(ctx: _Context, concurrency: int) -> None:
    """Run a Celery worker for the jobs (needs MADOGUCHI_TASK_QUEUE=celery and Redis)."""
    from adapters.tasks.outbox_pump import OutboxPump

    container = ctx.container
    OutboxPump(container.outbox_delivery()).wake()  # deliveries waiting out a back-off
    container.celery_app().worker_main(
        ["worker", "--loglevel=INFO", f"--concurrency={concurrency}", "--pool=threads"]
    )


@main.group(cls=_Group)
def registry() -> None:
    """The resident registry (住民基本台帳 extract)."""


@registry.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--valid-rows", is_flag=True,
              help="Import the households without errors even if other rows have errors.")
@click.option("--partial", is_flag=True,
              help="The file is not the whole registry: nobody missing from it is removed.")
@pass_context
def registry_import(ctx: _Context, path: str, valid_rows: bool, partial: bool) -> None:
    """Import a registry CSV (UTF-8 or CP932); prints the report. Safe to run again."""
    container = ctx.container
    _require_schema(container)
    job_id = start_job(IMPORT_REGISTRY,
                       {"path": str(Path(path).resolve()),
                        "mode": "valid_rows" if valid_rows else "all_or_nothing",
                        "full_extract": not partial},
                       uow=container.uow(), queue=container.task_queue(),
                       registry=container.task_registry(), ids=container.ids(),
                       clock=container.clock())
    job = _wait_for(container, job_id)
    if job.error:
        raise click.ClickException(job.error)
    report = job.result
    click.echo(report["summary"])
    for error in report["errors"]:
        click.echo(f"  {error['message']}")
    if not report["written"]:
        raise SystemExit(1)


@main.group(cls=_Group)
def apikey() -> None:
    """Integrator API keys."""


@apikey.command("create")
@click.option("--name", required=True, help="Who uses the key (e.g. the vendor's system).")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@pass_context
def apikey_create(ctx: _Context, name: str, role: str) -> None:
    """Create a key and print it once: only its hash is stored."""
    container = ctx.container
    created = create_api_key(CreateApiKey(name=name, role=role), uow=container.uow(),
                             ids=container.ids(), clock=container.clock())
    click.echo(created.secret)
    click.echo(f"key {created.id} for {name!r} ({role}); store it now: it is not shown again",
               err=True)


@main.group(cls=_Group)
def staff() -> None:
    """Staff accounts."""


@staff.command("create")
@click.option("--login-id", required=True)
@click.option("--name", "display_name", required=True, help="氏名 as shown in the UI.")
@click.option("--role", default=Role.ADMINISTRATOR.value, show_default=True,
              type=click.Choice([r.value for r in Role]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_context
def staff_create(ctx: _Context, login_id: str, display_name: str, role: str,
                 password_stdin: bool) -> None:
    """Create a staff account (the first administrator, for example)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    container = ctx.container
    staff_id = create_staff_member(
        CreateStaffMember(login_id=login_id, display_name=display_name, role=role,
                          password=password),
        uow=container.uow(), ids=container.ids(), hasher=container.password_hasher())
    click.echo(f"staff account {login_id} ({role}) created: {staff_id}")


@staff.command("reset-sign-in")
@click.argument("login_id")
@pass_context
def staff_reset_sign_in(ctx: _Context, login_id: str) -> None:
    """Unlock LOGIN_ID and turn off its second factor (a locked-out or phone-less administrator)."""
    from application.ports.audit import AuditEntry
    from application.staff.managing_staff import (
        ChangeStaffAccount,
        StaffChange,
        change_staff_account,
    )

    container = ctx.container
    with container.uow() as uow:
        member = uow.staff.get_by_login_id(login_id.strip().lower())
    if member is None:
        raise click.ClickException(f"ログインID「{login_id}」の職員はいません。")
    for change in (StaffChange.UNLOCK, StaffChange.RESET_TOTP):
        change_staff_account(
            ChangeStaffAccount(staff_id=member.id, change=change, by_staff_id=""),
            uow=container.uow(), clock=container.clock(),
            audit=AuditEntry(actor_id="cli", actor_label="command-line",
                             action=f"staff.{change}", target_type="staff",
                             target_id=member.id))
    click.echo(f"staff account {member.login_id}: unlocked, second factor off")


@main.group(cls=_Group)
def keys() -> None:
    """Data encryption keys (MADOGUCHI_DATA_KEYS)."""


@keys.command("generate")
def keys_generate() -> None:
    """Print a new data key. Put it first in MADOGUCHI_DATA_KEYS, then run `keys rotate`."""
    click.echo(new_key())


@keys.command("rotate")
@pass_context
def keys_rotate(ctx: _Context) -> None:
    """Re-encrypt all personal data with the first key of MADOGUCHI_DATA_KEYS."""
    container = ctx.container
    count = rotate_encrypted_columns(container.engine(), container.cipher())
    click.echo(f"{count} values re-encrypted with the newest key; older keys can now be removed")


@main.group(cls=_Group)
def certificates() -> None:
    """Certificate requests (証明書の請求) and their fee payments."""


@certificates.command("expire-payments")
@click.option("--minutes", default=30, show_default=True, type=click.IntRange(min=1),
              help="An attempt open longer than this is cancelled with the provider.")
@pass_context
def certificates_expire_payments(ctx: _Context, minutes: int) -> None:
    """Settle or cancel fee payments left open (run it every few minutes from cron)."""
    import datetime as dt

    from application.certificates.paying_fee import expire_payments

    container = ctx.container
    _require_schema(container)
    counts = expire_payments(uow_factory=container.uow, gateway=container.payment_gateway(),
                             clock=container.clock(), ids=container.ids(),
                             links=container.pay_links().links(),
                             ttl=dt.timedelta(minutes=minutes))
    container.outbox_notifier().wake()
    click.echo(f"paid {counts['paid']}, lapsed {counts['lapsed']}, "
               f"still waiting {counts['waiting']}")


@main.group(cls=_Group)
def audit() -> None:
    """The audit log (監査ログ)."""


@audit.command("verify")
@pass_context
def audit_verify(ctx: _Context) -> None:
    """Check the audit log's hash chain; exit status 1 when a record was changed or deleted."""
    from application.audit.verifying_chain import verify_audit_chain

    report = verify_audit_chain(uow_factory=ctx.container.uow)
    if report.intact:
        click.echo(f"audit log intact: {report.checked} records verified")
        return
    click.echo(f"audit log BROKEN at record {report.broken_at} after {report.checked} good "
               f"records: {report.problem}", err=True)
    raise SystemExit(1)


DEMO_ADMIN_LOGIN = "admin"
DEMO_STAFF_PASSWORD = "madoguchi-demo"


def _show_demo_login(container: Container, staff_url: str) -> None:
    """In development, when the demo administrator still has the demo password, say how to log
    in to the staff UI (never in production, never any other account)."""
    if container.config.environment() != "development":
        return
    with container.uow() as uow:
        admin = uow.staff.get_by_login_id(DEMO_ADMIN_LOGIN)
    if admin is not None and container.password_hasher().verify(admin.password_hash,
                                                                 DEMO_STAFF_PASSWORD):
        click.echo(f"Staff UI: {staff_url}  (demo administrator: login id "
                   f"{DEMO_ADMIN_LOGIN}, password {DEMO_STAFF_PASSWORD})")

from entrypoints.cli_batches import batch  # noqa: E402  (it uses the helpers above)

main.add_command(batch)
