"""A bounce a town can rehearse: the delivery status notification (DSN, RFC 3464) a relay
would send back for a mail the simulator caught, had the mailbox not existed (5.1.1 user
unknown), with the original's headers returned (`text/rfc822-headers`), as Postfix does. The
mail inbox's 不達にする button makes one and hands it to the town's bounce path (the one
`madoguchi mail bounce` takes); the same report can be downloaded and fed to the command."""

from __future__ import annotations

import datetime as dt
import email.policy
from email.utils import format_datetime

from adapters.line.simulator.mail_catcher import CaughtMail

__all__ = ["delivery_status_report"]

_HOST = "sim-relay.localhost"
_BOUNDARY = "sim-dsn-boundary"


def _original_headers(mail: CaughtMail) -> str:
    raw = mail.message.as_bytes(policy=email.policy.compat32).replace(b"\r\n", b"\n")
    head, _, _ = raw.partition(b"\n\n")
    return head.decode("ascii", "replace")


def delivery_status_report(mail: CaughtMail, *, at: dt.datetime) -> bytes:
    """The DSN for `mail`'s first recipient, addressed to its envelope sender."""
    recipient = mail.recipients[0] if mail.recipients else ""
    date = format_datetime(at)
    text = f"""From: Mail Delivery System <MAILER-DAEMON@{_HOST}>
To: <{mail.mail_from}>
Subject: Undelivered Mail Returned to Sender
Date: {date}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{_BOUNDARY}"

--{_BOUNDARY}
Content-Type: text/plain; charset=us-ascii

This is the mail system at host {_HOST} (the Madoguchi simulator).

Your message could not be delivered to one or more recipients:
the mailbox does not exist (550 5.1.1 user unknown).

--{_BOUNDARY}
Content-Type: message/delivery-status

Reporting-MTA: dns; {_HOST}
Arrival-Date: {date}

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown

--{_BOUNDARY}
Content-Type: text/rfc822-headers

{_original_headers(mail)}

--{_BOUNDARY}--
"""
    return text.encode("utf-8")
