"""`madoguchi demo`: seed the demo town (a job, so its progress shows as it goes)."""

from __future__ import annotations

import click

from application.jobs.running import start_job
from demo.seeding_town import DEMO_PROGRAM_NAME, DEMO_STAFF, DEMO_STAFF_PASSWORD
from entrypoints.cli.context import CliContext, operator, pass_context, ready, wait_for
from entrypoints.containers import shutdown
from entrypoints.jobs import SEED_DEMO_TOWN

__all__ = ["demo"]


@click.command()
@click.option("--households", default=200, show_default=True, help="Synthetic households.")
@click.option("--history/--no-history", default=True, show_default=True,
              help="A year of activity ending today (friends, verifications, procedures, "
                   "cases, satisfaction), so the dashboard shows figures on first start.")
@pass_context
def demo(ctx: CliContext, households: int, history: bool) -> None:
    """Seed the demo town into the configured database (safe to run again; never in
    production: it makes staff accounts with a public password)."""
    container = ready(ctx)
    if container.config.environment() == "production":
        raise click.ClickException(
            "the demo town is not for production: it would create administrator, approver, "
            f"case worker and viewer accounts with the public password {DEMO_STAFF_PASSWORD}")
    try:
        job_id = start_job(SEED_DEMO_TOWN, {"households": households, "activity": history},
                           uow=container.uow(),
                           queue=container.job_queue(), catalog=container.job_catalog(),
                           ids=container.ids(), clock=container.clock(), actor=operator(),
                           households=households)
        job = wait_for(container, job_id)
    finally:  # the job thread, and the outbox's if the seeding woke it (the codes 連絡先 sent)
        shutdown(container)
    if job.error:
        raise click.ClickException(job.error)
    created = job.result
    click.echo(f"demo town {container.config.town_name()}: "
               f"{created['households']} households and {created['residents']} residents added, "
               f"{created['staff']} staff accounts, {created['programs']} program(s)")
    click.echo(f"program: {DEMO_PROGRAM_NAME} (受付中)")
    click.echo(f"staff log-ins (password: {DEMO_STAFF_PASSWORD}): "
               + ", ".join(f"{login} ({role.value})" for login, _, role in DEMO_STAFF))
    if created.get("on_file"):
        click.echo(f"{created['on_file']} households were paid an earlier benefit by transfer: "
                   "their account is on file (the card page labels those not verified "
                   "口座登録あり)")
    if created.get("by_sms") or created.get("by_email"):
        click.echo(f"{created.get('by_sms', 0)} heads verified on the web page with a mobile "
                   f"number only, {created.get('by_email', 0)} with an e-mail address only: "
                   "the campaign reaches them by SMS and e-mail")
    if created.get("procedures"):
        click.echo(f"{created['procedures']} procedures of the template library as drafts "
                   "(/staff/procedures); 粗大ごみ収集の申込 is published in the chat's menu")
    activity = created.get("activity") or {}
    if activity:
        friends = sum(activity.get(f"friends_{c}", 0) for c in ("line", "sms", "web"))
        click.echo(f"a year of activity: {friends} residents followed the town's account "
                   f"({activity.get('verified', 0)} verified, {activity.get('blocked', 0)} "
                   f"blocked), {activity.get('procedures_started', 0)} procedures started and "
                   f"{activity.get('procedures_sent', 0)} sent (cases: "
                   f"{activity.get('cases_answered', 0)} answered, "
                   f"{activity.get('cases_closed', 0)} closed), "
                   f"{activity.get('certificates_requested', 0)} certificates paid "
                   f"({activity.get('certificates_mailed', 0)} mailed), "
                   f"{activity.get('satisfaction_answers', 0)} satisfaction answers")
    if created.get("payment_batch"):
        click.echo(f"approved bank-transfer batch: {created['payment_batch']} "
                   f"(madoguchi batch export {created['payment_batch']} --out transfer.txt)")
