"""`make demo`'s town for the tests that walk the README: seeded as the `seed_demo_town` job seeds
it (the registry, staff, the open program, the payments and the earlier paid benefit, the heads
on SMS and e-mail), with the channels `make demo` turns on: SMS to Twilio's stand-in and e-mail
to a mail catcher, as `madoguchi serve --line-sim` runs them."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from attrs import frozen

from adapters.line.simulator.mail_catcher import MailCatcher
from adapters.line.simulator.mail_inbox import running_mail_inbox
from adapters.line.simulator.simulator import LineSimulator
from adapters.line.simulator.sms import SmsStandIn, running_sms_standin
from application.access.actor import Actor
from application.jobs.running import job_status, start_job
from entrypoints.cli.mail import record_bounce_report
from entrypoints.containers import Container
from entrypoints.jobs import SEED_DEMO_TOWN
from entrypoints.sms_settings import DEV_TWILIO_SID, DEV_TWILIO_TOKEN

__all__ = ["DemoChannels", "demo_channels", "seed_demo"]


@frozen
class DemoChannels:
    sms: SmsStandIn
    mail: MailCatcher


@contextmanager
def demo_channels(container: Container, simulator: LineSimulator | None = None,
                  ) -> Iterator[DemoChannels]:
    """SMS (MADOGUCHI_SMS_PROVIDER=twilio) to a stand-in and e-mail to a catcher, until the
    block ends; given the LINE simulator (before it serves its first request), the catcher's
    mailboxes are on its pages (/_sim/mail/), as `serve --line-sim` shows them. Call before
    anything is sent (the mailer is made at its first mail)."""
    public_url = container.config.public_url()
    catcher = (running_mail_inbox(simulator, on_bounce=functools.partial(  # as serve wires it
        record_bounce_report, container, actor=Actor.operator("test")))
               if simulator is not None else MailCatcher())
    with running_sms_standin(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, container.config.sms_from(),
                             inbound_url=f"{public_url}/sms/inbound",
                             auto_callbacks=simulator is not None) as sms, catcher as mail:
        container.config.sms_provider.from_value("twilio")
        container.config.twilio_api_base_url.from_value(sms.base_url)
        container.config.smtp_host.from_value(mail.host)
        container.config.smtp_port.from_value(mail.port)
        container.config.smtp_starttls.from_value(False)
        yield DemoChannels(sms=sms, mail=mail)


def seed_demo(container: Container, households: int, *, activity: bool = False,
              ) -> dict[str, Any]:
    """What `madoguchi demo --households N` does: the seeding job, run by the container's
    queue (eager in the tests); returns its result. `activity`: with the year of activity
    `make demo` seeds (off by default: it takes seconds)."""
    job_id = start_job(SEED_DEMO_TOWN, {"households": households, "activity": activity},
                       uow=container.uow(),
                       queue=container.job_queue(), catalog=container.job_catalog(),
                       ids=container.ids(), clock=container.clock(),
                       actor=Actor.operator("test"), households=households)
    job = job_status(job_id, uow=container.uow())
    assert job.finished and not job.error, job.error
    return dict(job.result)
