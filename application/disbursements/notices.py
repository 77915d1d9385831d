"""What a household is told about its payment: a transfer that failed (with the button to send
a corrected account) and an ATM pickup code. Text only; no I/O."""

from __future__ import annotations

from application.benefits.notices import ANSWER_OTHER, NOTICE_PREFIX
from application.dates import japanese_datetime
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from domain.cash_payouts import CashPayout
from domain.disbursements import Disbursement

__all__ = ["code_message", "correction_button", "failure_message", "failure_notice"]


def failure_message(program_name: str, reason: str) -> str:
    return (f"{program_name}を、ご指定の口座へ振り込むことができませんでした（理由: {reason}）。"
            "お手数ですが、下の「口座を登録し直す」から正しい口座（金融機関・支店・口座番号・"
            "名義）と通帳の写真を送るか、役場の窓口でお知らせください。確認でき次第、"
            "あらためてお振り込みします。")


def correction_button(application_id: str) -> Choice:
    """The failure message's button: the benefit account dialog, for this application."""
    return Choice("口座を登録し直す", f"{NOTICE_PREFIX}{application_id}:{ANSWER_OTHER}")


def failure_notice(program_name: str, reason: str, application_id: str) -> OutgoingMessage:
    return OutgoingMessage(text=failure_message(program_name, reason),
                           choices=(correction_button(application_id),),
                           style=MessageStyle.BUTTONS)


def code_message(program_name: str, payout: CashPayout,
                 disbursement: Disbursement) -> OutgoingMessage:
    return OutgoingMessage(text=(
        f"{program_name}（{disbursement.amount.format()}）は、提携ATMの「現金受取」で受け取れ"
        f"ます。\n受取番号: {payout.pickup_code}\n受取期限: "
        f"{japanese_datetime(payout.expires_at)}まで\n"
        "この番号は他の人に教えないでください。"))
