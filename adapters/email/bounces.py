"""Hard bounces read from a delivery status notification (DSN, RFC 3464): the mail a relay
sends back when it accepted a mail at RCPT and could not deliver it further on."""

from __future__ import annotations

import email.policy
from email.message import Message
from email.parser import BytesParser

__all__ = ["hard_bounces"]


def _about_the_mailbox(status: str) -> bool:
    """A permanent failure of the address (RFC 3463): 5.1.x, the address is wrong or does not
    exist (5.1.1 user unknown, 5.1.2 no such domain), or 5.2.1, the mailbox is disabled. Other
    permanent failures are about the message (5.3.4 too big, 5.6.x its content, 5.7.x refused
    by policy): the mailbox still takes mail, as a 552/554 at DATA is no hard bounce."""
    return status.startswith("5.1.") or status == "5.2.1"


def _recipient(block: Message) -> str | None:
    """`Final-Recipient: rfc822; taro@example.jp` of a failed block whose mailbox is gone."""
    if str(block.get("Action", "")).strip().lower() != "failed":
        return None
    if not _about_the_mailbox(str(block.get("Status", "")).strip()):
        return None
    kind, _, address = str(block.get("Final-Recipient", "")).partition(";")
    if kind.strip().lower() != "rfc822" or "@" not in address:
        return None
    return address.strip().strip("<>").lower()


def hard_bounces(raw: bytes) -> list[str]:
    """The addresses a DSN reports as gone for good (a 4.x.x delay, or a 5.x.x refusal of the
    message itself, is not a hard bounce); [] for a mail that is not a DSN."""
    message = BytesParser(policy=email.policy.compat32).parsebytes(raw)
    found: list[str] = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            address = _recipient(block)
            if address is not None and address not in found:
                found.append(address)
    return found
