"""Hard bounces read from a delivery status notification (DSN, RFC 3464): the mail a relay
sends back when it accepted a mail at RCPT and could not deliver it further on."""

from __future__ import annotations

import email.policy
from email.message import Message
from email.parser import BytesParser

__all__ = ["hard_bounces"]


def _recipient(block: Message) -> str | None:
    """`Final-Recipient: rfc822; taro@example.jp` of a failed, permanent (5.x.x) block."""
    if str(block.get("Action", "")).strip().lower() != "failed":
        return None
    if not str(block.get("Status", "")).strip().startswith("5"):
        return None
    kind, _, address = str(block.get("Final-Recipient", "")).partition(";")
    if kind.strip().lower() != "rfc822" or "@" not in address:
        return None
    return address.strip().strip("<>").lower()


def hard_bounces(raw: bytes) -> list[str]:
    """The addresses a DSN reports as failed for good (a 4.x.x delay is not a bounce); [] for a
    mail that is not a DSN."""
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
