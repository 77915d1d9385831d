"""`madoguchi serve`, `line-sim`, `worker` and `scheduler`: the long-running processes."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click
from werkzeug.serving import run_simple

from adapters.background.celery_queue import QUEUES
from adapters.background.outbox_pump import OutboxPump
from adapters.background.scheduler import IntervalScheduler
from adapters.line.simulator.mail_inbox import running_mail_inbox
from adapters.line.simulator.running import running
from adapters.line.simulator.running import serve as serve_simulator
from adapters.line.simulator.simulator import LineSimulator
from adapters.line.simulator.sms import running_sms_standin
from adapters.metrics import serving_metrics
from application.channels.setting_rich_menus import set_rich_menus
from application.jobs.scheduled_work import SCHEDULE_EVERY
from application.staff.views import member_by_login_id
from demo.seeding_town import DEMO_ADMIN_LOGIN, DEMO_STAFF_PASSWORD
from entrypoints.cli.context import CliContext, operator, pass_context, ready
from entrypoints.cli.mail import record_bounce_report
from entrypoints.config import Settings
from entrypoints.containers import Container, shutdown
from entrypoints.key_ring import key_location
from entrypoints.logging_setup import configured_logging
from entrypoints.plugins import adapters_in_use, log_adapters
from entrypoints.rich_menu_wiring import rich_menu_plans

__all__ = ["line_sim", "scheduler", "serve", "show_demo_login", "worker"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--line-sim", "line_sim_port", type=int, default=None, metavar="PORT",
              help="Also run the LINE simulator on PORT and send LINE messages to it, and "
                   "the SMS stand-in on PORT+1 (with MADOGUCHI_SMS_PROVIDER=twilio).")
@pass_context
def serve(ctx: CliContext, host: str, port: int, line_sim_port: int | None) -> None:
    """Serve the web app (staff UI, REST API, webhooks) with a threaded server.

    In production run `gunicorn -c python:entrypoints.gunicorn_conf entrypoints.wsgi:app`
    instead (its access log, like this one, leaves query strings out)."""
    # The web app is imported only to serve it: loading every blueprint would slow down
    # each of the other commands by a second or more.
    from entrypoints.web import create_app
    from entrypoints.web.access_log import QuietQueryRequestHandler

    container = ready(ctx)
    simulator, sms_standin, mail = nullcontext(), nullcontext(), nullcontext()
    if line_sim_port is not None:
        if container.config.environment() == "production":
            raise click.ClickException("the LINE simulator is not for production")
        phones = LineSimulator(
            container.config.line_channel_secret(), container.config.line_access_token(),
            f"http://{host}:{port}/line/webhook", bot_name=f"{container.config.town_name()}役場")
        # the residents' mailboxes, on its pages; a bounce made there takes the command's path
        mail = running_mail_inbox(phones, host=host, on_bounce=functools.partial(
            record_bounce_report, container, actor=operator()))
        simulator = running(phones, host=host, port=line_sim_port)
        if container.config.sms_provider() == "twilio":  # Twilio's stand-in beside it
            sms_standin = running_sms_standin(
                container.config.twilio_account_sid(), container.config.twilio_auth_token(),
                container.config.sms_from(), inbound_url=f"{container.config.public_url()}"
                "/sms/inbound", host=host, port=line_sim_port + 1, auto_callbacks=True)
    with _logging(container), mail as catcher, simulator as sim, sms_standin as sms:
        if sim is not None:
            container.config.line_api_base_url.from_value(sim.base_url)
            click.echo(f"LINE simulator (the residents' phones): {sim.base_url}/")
            # the rich menus, as `madoguchi line rich-menu` sets them (ADRs 0049, 0054)
            set_rich_menus(rich_menu_plans(container), platform=container.line_rich_menus(),
                           uow_factory=container.uow)
        if sms is not None:
            container.config.twilio_api_base_url.from_value(sms.base_url)
            click.echo(f"SMS stand-in (the residents' SMS inboxes): {sms.base_url}/_sim/sms")
        if catcher is not None:  # the app's mail goes to the simulator's catcher
            container.config.smtp_host.from_value(catcher.host)
            container.config.smtp_port.from_value(catcher.port)
            container.config.smtp_starttls.from_value(False)
            click.echo(f"Mail inboxes (SMTP {catcher.host}:{catcher.port}): "
                       f"{sim.base_url}/_sim/mail/")
        click.echo(f"Madoguchi for {container.config.town_name()} on http://{host}:{port}/")
        click.echo(key_location(container))
        for line in adapters_in_use(container.config()):  # ADR 0069
            click.echo(line)
        show_demo_login(container, f"http://{host}:{port}/staff")
        scheduler = container.scheduler()  # the in-process queue's: due reminders become jobs
        if scheduler is not None:
            scheduler.start()
        # Deliver what is due at once (a crash may have left messages waiting), not only after
        # the first request writes something.
        container.outbox_notifier().wake()
        container.inbound_workers().wake()  # inbound events a crash left stored (ADR 0062)
        try:
            run_simple(host, port, create_app(container), threaded=True, use_reloader=False,
                       request_handler=QuietQueryRequestHandler)  # no query strings logged
        finally:  # the job and outbox threads end before the simulator they may be talking to
            shutdown(container)


@contextmanager
def _logging(container: Container) -> Iterator[None]:
    """The process's log lines as configured (entrypoints/logging_setup.py), the first of them
    naming the adapter each port uses (ADR 0069)."""
    with configured_logging(container.config.log_format(), container.config.log_level()):
        log_adapters(container.config())
        yield


def show_demo_login(container: Container, staff_url: str) -> None:
    """In development, when the demo administrator still has the demo password, say how to log
    in to the staff UI (never in production, never any other account)."""
    if container.config.environment() != "development":
        return
    admin = member_by_login_id(DEMO_ADMIN_LOGIN, uow=container.uow())
    if admin is not None and container.password_hasher().verify(admin.password_hash,
                                                                 DEMO_STAFF_PASSWORD):
        click.echo(f"Staff UI: {staff_url}  (demo administrator: login id "
                   f"{DEMO_ADMIN_LOGIN}, password {DEMO_STAFF_PASSWORD})")


@click.command("line-sim")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--webhook", default="http://127.0.0.1:8000/line/webhook", show_default=True,
              help="Where the simulated platform delivers signed webhooks.")
@click.option("--users", default=0, show_default=True, help="Extra simulated residents.")
@click.option("--error-rate", default=0.0, show_default=True,
              help="Fraction of pushes answered 500 (to try the retries).")
@click.option("--push-rate", default=2000, show_default=True, type=click.IntRange(min=1),
              help="Pushes and replies allowed per second before answering 429 (LINE: 2,000).")
def line_sim(host: str, port: int, webhook: str, users: int, error_rate: float,
             push_rate: int) -> None:
    """Run a local simulator of the LINE platform: Messaging API, webhooks and a phone page.

    Point Madoguchi at it with LINE_API_BASE_URL=http://HOST:PORT (same channel secret and
    access token on both sides; the development defaults match)."""
    settings = Settings.from_env()
    if settings.environment == "production":
        raise click.ClickException("the LINE simulator is not for production")
    serve_simulator(host, port, channel_secret=settings.line_channel_secret,
                    access_token=settings.line_access_token, webhook_url=webhook,
                    users=users, error_rate=error_rate, push_rate=push_rate,
                    bot_name=f"{settings.town_name}役場", echo=click.echo)


def _queues(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    unknown = [name for name in names if name not in QUEUES]
    if not names or unknown:
        raise click.BadParameter(f"{', '.join(unknown) or 'none given'}: the queues are "
                                 f"{', '.join(QUEUES)}")
    return names


@click.command()
@click.option("--queues", default=",".join(QUEUES), show_default=True, callback=_queues,
              help="The queues this worker consumes, separated by commas (Procfile.city runs "
                   "one worker for each).")
@click.option("--concurrency", default=2, show_default=True, type=click.IntRange(min=1),
              help="Tasks this worker runs at once (threads).")
@click.option("--metrics-port", type=int, default=None, metavar="PORT",
              help="Serve this worker's metrics (jobs, deliveries) on PORT, without a token.")
@click.option("--metrics-host", default="127.0.0.1", show_default=True,
              help="The address the metrics are served on: one only the monitoring reaches.")
@pass_context
def worker(ctx: CliContext, queues: tuple[str, ...], concurrency: int,
           metrics_port: int | None, metrics_host: str) -> None:
    """Run a Celery worker for the jobs (needs MADOGUCHI_TASK_QUEUE=celery and Redis).

    A worker of the `outbox` queue also polls the outbox for deliveries waiting out a back-off."""
    container = ctx.container
    metrics = (nullcontext() if metrics_port is None
               else serving_metrics(container.metrics(), metrics_host, metrics_port))
    with _logging(container), metrics:
        if "outbox" in queues:
            OutboxPump(container.outbox_delivery()).wake()  # deliveries waiting out a back-off
        container.celery_app().worker_main(
            ["worker", f"--loglevel={container.config.log_level()}",
             f"--concurrency={concurrency}", "--pool=threads", f"--queues={','.join(queues)}",
             f"--hostname={'-'.join(queues)}-{os.getpid()}@%h"])


@click.command()
@pass_context
def scheduler(ctx: CliContext) -> None:
    """Run the scheduled work (jobs left behind, due reminders) every 15 s, in the foreground.

    With MADOGUCHI_TASK_QUEUE=celery this is Celery beat (run exactly one); `madoguchi worker`
    runs what it sends. With the in-process queue `madoguchi serve` already runs it; this
    command is for a deployment whose web processes do not (gunicorn)."""
    container = ready(ctx)
    with _logging(container):
        if container.config.task_queue() == "celery":
            schedule = Path(container.config.data_dir()) / "celerybeat-schedule"
            container.celery_app().Beat(loglevel=container.config.log_level(),
                                        schedule=str(schedule)).run()
            return
        loop = IntervalScheduler(functools.partial(container.scheduled_work(),
                                                   queue=container.job_queue()),
                                 every=SCHEDULE_EVERY)
        container.outbox_notifier().wake()  # deliver what is due now and every few seconds
        try:
            loop.run_forever()
        except KeyboardInterrupt:
            pass
        finally:
            loop.stop()
            shutdown(container)
