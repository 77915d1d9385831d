"""Hard bounces read from a delivery status notification (DSN, RFC 3464): the mail a relay
sends back when it accepted a mail at RCPT and could not deliver it further on.

Which mail bounced is read from the original's headers the report returns (a
`text/rfc822-headers` part, or the whole original as `message/rfc822`): its Message-ID is
derived from the outbox id and the recipient (`rendering.message_id_for`), so it names the
outbox row, and only for the address it was made for (ADR 0043). A report that returns no
headers, or someone else's Message-ID, still shuts the address."""

from __future__ import annotations

import email.policy
from email.message import Message
from email.parser import BytesParser, HeaderParser

from adapters.email.rendering import outbox_id_in
from application.channels.recording_bounces import Bounce

__all__ = ["hard_bounces"]

_RETURNED = ("text/rfc822-headers", "message/rfc822")


def _about_the_mailbox(status: str) -> bool:
    """A permanent failure of the address (RFC 3463): 5.1.x, the address is wrong or does not
    exist (5.1.1 user unknown, 5.1.2 no such domain), or 5.2.1, the mailbox is disabled. Other
    permanent failures are about the message (5.3.4 too big, 5.6.x its content, 5.7.x refused
    by policy): the mailbox still takes mail, as a 552/554 at DATA is no hard bounce."""
    return status.startswith("5.1.") or status == "5.2.1"


def _recipient(block: Message) -> tuple[str, str] | None:
    """`Final-Recipient: rfc822; taro@example.jp` of a failed block whose mailbox is gone, and
    its status (5.1.1)."""
    if str(block.get("Action", "")).strip().lower() != "failed":
        return None
    status = str(block.get("Status", "")).strip().split(" ")[0]
    if not _about_the_mailbox(status):
        return None
    kind, _, address = str(block.get("Final-Recipient", "")).partition(";")
    if kind.strip().lower() != "rfc822" or "@" not in address:
        return None
    return address.strip().strip("<>").lower(), status


def _returned_message_id(report: Message) -> str:
    """The Message-ID of the original the report returns (its headers or all of it), or ""."""
    for part in report.walk():
        kind = part.get_content_type()
        if kind not in _RETURNED:
            continue
        payload = part.get_payload()
        if isinstance(payload, list):  # message/rfc822: the original, parsed
            headers = payload[0] if payload else None
        else:
            text = part.get_payload(decode=True) or b""
            headers = HeaderParser(policy=email.policy.compat32).parsestr(
                text.decode("utf-8", "replace"), headersonly=True)
        if headers is not None and headers.get("Message-ID"):
            return "".join(str(headers["Message-ID"]).split())  # unfolded
    return ""


def hard_bounces(raw: bytes) -> list[Bounce]:
    """The addresses a DSN reports as gone for good (a 4.x.x delay, or a 5.x.x refusal of the
    message itself, is not a hard bounce), each with the outbox id of the mail that bounced
    when the returned headers name one of ours; [] for a mail that is not a DSN."""
    message = BytesParser(policy=email.policy.compat32).parsebytes(raw)
    message_id = _returned_message_id(message)
    found: dict[str, Bounce] = {}
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            failed = _recipient(block)
            if failed is None or failed[0] in found:
                continue
            address, status = failed
            found[address] = Bounce(address=address, status=status,
                                    message_id=outbox_id_in(message_id, address)
                                    if message_id else None)
    return list(found.values())
