"""The button that takes a resident to pay a fee (a link to the signed pay page), the same for
every fee: 「支払う（1,200円）」."""

from __future__ import annotations

from application.ports.messaging import Choice, MessageStyle, OutgoingMessage

__all__ = ["PAY_ALT", "pay_button"]

PAY_ALT = "手数料のお支払い"


def pay_button(url: str, text: str, total: str) -> OutgoingMessage:
    return OutgoingMessage(text=text, style=MessageStyle.BUTTONS, alt_text=PAY_ALT,
                           choices=(Choice(label=f"支払う（{total}）", data="", url=url),))
