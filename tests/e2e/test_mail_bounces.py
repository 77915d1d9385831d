"""Hard bounces reported later by a relay's DSN: `madoguchi mail bounce` shuts the address at
once (audited as the operator's act), and a delay or an unknown address changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.email.bounces import hard_bounces
from application.ports.audit import AuditQuery
from domain.channels import ChannelIdentity, IdentityStatus
from entrypoints.cli import main
from entrypoints.config import Settings
from entrypoints.containers import build_container, shutdown

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
    assert hard_bounces(DSN) == ["gone@example.jp", "stranger@example.jp"]
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
    assert "2 hard bounce(s) reported, 1 address(es) shut" in result.output
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
