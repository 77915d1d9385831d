"""Hard bounces reported later by a relay's DSN: `madoguchi mail bounce` shuts the address at
once (audited as the operator's act), and a delay or an unknown address changes nothing. A
notice whose mail the relay accepted and then bounced (the simulator's 不達にする report, with
the original's headers) becomes a permanent failure and reaches the resident by SMS at once,
once (ADR 0043)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.email.bounces import hard_bounces
from adapters.line.simulator.mail_bounces import delivery_status_report
from adapters.line.simulator.mail_catcher import MailCatcher
from adapters.line.simulator.sms import running_sms_standin
from application.access.actor import Actor
from application.messaging.outbox import OutboxMessage
from application.messaging.setting_ladder import SetLadder, set_ladder
from application.ports.audit import AuditQuery
from application.ports.messaging import OutgoingMessage
from domain.channels import ChannelIdentity, IdentityStatus
from entrypoints.cli import main
from entrypoints.config import Settings
from entrypoints.containers import Container, build_container, shutdown
from entrypoints.sms_settings import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from tests import builders

pytestmark = pytest.mark.e2e

DSN = b"""From: MAILER-DAEMON@relay.example.jp
To: noreply@city.soja.example.jp
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.jp

Final-Recipient: rfc822; Gone@Example.JP
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

Final-Recipient: rfc822; slow@example.jp
Action: delayed
Status: 4.4.1

Final-Recipient: rfc822; stranger@example.jp
Action: failed
Status: 5.1.1

Final-Recipient: rfc822; big@example.jp
Action: failed
Status: 5.3.4
Diagnostic-Code: smtp; 552 5.3.4 message too big

--B--
"""


def test_a_dsn_names_only_the_permanent_failures() -> None:
    assert [b.address for b in hard_bounces(DSN)] == ["gone@example.jp", "stranger@example.jp"]
    assert hard_bounces(b"Subject: hello\n\nnot a report\n") == []


def test_mail_bounce_shuts_the_bounced_address_and_nothing_else(tmp_path: Path) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path / "var")}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    container = build_container(Settings.from_env(env))
    at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    with container.uow() as uow:
        for address in ("gone@example.jp", "slow@example.jp", "big@example.jp"):
            uow.channel_identities.add(ChannelIdentity.first_seen(
                id=f"i-{address[:4]}", channel="email", address=address, at=at))
        uow.commit()

    result = runner.invoke(main, ["mail", "bounce"], input=DSN, env=env)
    again = runner.invoke(main, ["mail", "bounce"], input=DSN, env=env)

    assert result.exit_code == 0, result.output
    assert "2 hard bounce(s) reported, 1 address(es) shut, 0 mail(s)" in result.output
    assert "0 address(es) shut" in again.output  # shut already: nothing twice
    with container.uow() as uow:
        statuses = {a: uow.channel_identities.get_by_address("email", a).status
                    for a in ("gone@example.jp", "slow@example.jp", "big@example.jp")}
        records = uow.audit.search(AuditQuery(action="channel.bounced"))
    shutdown(container)
    # the ladder's 届かない, as a 550 at RCPT; a refused message (5.3.4) leaves the mailbox
    assert statuses == {"gone@example.jp": IdentityStatus.UNREACHABLE,
                        "slow@example.jp": IdentityStatus.FOLLOWING,
                        "big@example.jp": IdentityStatus.FOLLOWING}
    assert [(r.target_id, r.detail) for r in records] == [("i-gone", {"channel": "email"})]


GONE, PHONE = "hanako@example.jp", "+819011112222"


def test_a_notice_whose_mail_bounces_later_goes_on_by_sms_at_once_and_once(
        tmp_path: Path) -> None:
    """The real mailer sends the notice to the catcher (accepted: delivered); the relay's report
    comes back (the simulator's, as 不達にする makes it); the command fails that mail and the
    notice is sent by SMS (Twilio's SDK to the stand-in) before it ends; fed again, nothing."""
    with MailCatcher() as catcher, running_sms_standin(
            DEV_TWILIO_SID, DEV_TWILIO_TOKEN, "+815000000000") as sms:
        env = {"MADOGUCHI_DATA_DIR": str(tmp_path / "var"), "MADOGUCHI_TASK_QUEUE": "eager",
               "MADOGUCHI_MAIL_FROM": "noreply@town.example.jp",
               "MADOGUCHI_SMTP_HOST": catcher.host, "MADOGUCHI_SMTP_PORT": str(catcher.port),
               "MADOGUCHI_SMTP_STARTTLS": "0", "MADOGUCHI_SMS_PROVIDER": "twilio",
               "TWILIO_ACCOUNT_SID": DEV_TWILIO_SID, "TWILIO_AUTH_TOKEN": DEV_TWILIO_TOKEN,
               "MADOGUCHI_SMS_FROM": "+815000000000", "TWILIO_API_BASE_URL": sms.base_url}
        runner = CliRunner()
        assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
        container = build_container(Settings.from_env(env))
        try:
            notice_id = _notice_sent_by_mail(container)
            [mail] = catcher.inbox(GONE)
            report = delivery_status_report(mail, at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))

            result = runner.invoke(main, ["mail", "bounce"], input=report, env=env)
            again = runner.invoke(main, ["mail", "bounce"], input=report, env=env)

            assert result.exit_code == 0, result.output
            assert ("1 hard bounce(s) reported, 1 address(es) shut, "
                    "1 mail(s) marked permanent-failure") in result.output
            assert "0 address(es) shut, 0 mail(s)" in again.output
            assert [m.body for m in sms.inbox(PHONE)] == ["【テスト】給付金のお知らせ"]
            with container.uow() as uow:
                rows = [(m.channel, m.status.value, m.delivery_status.value, m.fallback_of)
                        for m in uow.outbox.rungs_of(notice_id)]
                assert uow.outbox.get(notice_id).last_error == (
                    "permanent-failure: 5.1.1 hard bounce (DSN)")
            assert rows == [("email", "failed", "permanent-failure", None),
                            ("sms", "sent", "sending", notice_id)]  # Twilio reports back later
        finally:
            shutdown(container)


def _notice_sent_by_mail(container: Container) -> str:
    """r1 has an e-mail address and a mobile number; staff set e-mail → SMS; a notice goes by
    mail through the container's outbox (eager: at once)."""
    at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    with container.uow() as uow:
        uow.residents.add(builders.resident(id="r1"))
        uow.commit()
    with container.uow() as uow:
        for id, channel, address in (("m1", "email", GONE), ("p1", "sms", PHONE)):
            identity = ChannelIdentity.first_seen(id=id, channel=channel, address=address, at=at)
            identity.link("r1")
            uow.channel_identities.add(identity)
        uow.commit()
    set_ladder(SetLadder(("email", "sms")), actor=Actor.operator("test"), uow=container.uow(),
               clock=container.clock())
    with container.uow() as uow:
        uow.outbox.add(OutboxMessage.of([OutgoingMessage(text="【テスト】給付金のお知らせ")],
                                        id="01JNOTICE00000000000000000", channel="email",
                                        recipient=GONE, at=at, notice=True))
        uow.commit()
    container.outbox_notifier().wake()
    with container.uow() as uow:
        assert uow.outbox.get("01JNOTICE00000000000000000").delivery_status.value == "delivered"
    return "01JNOTICE00000000000000000"
