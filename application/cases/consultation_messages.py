"""What a resident reads in a consultation (相談): where they stand in the queue and the
department's hours, the automatic answer outside them, who answers, and that it ended. Staff
are named as residents read them (「担当 A」), never by their full name."""

from __future__ import annotations

import datetime as dt

from application.dates import japanese_datetime

__all__ = ["ended_message", "out_of_hours_message", "queued_message", "staff_line",
           "still_waiting_message", "taken_message"]

_WRITE_ON = "続けてメッセージを送ると、担当の職員に届きます。"


def queued_message(number: str, department: str, place: int, hours: str) -> str:
    return (f"相談を受け付けました（受付番号 {number}）。{department}の職員が順番に対応します。"
            f"現在{place}番目にお待ちいただいています。\n受付時間：{hours}\n{_WRITE_ON}")


def out_of_hours_message(number: str, department: str, place: int, hours: str,
                         next_opening: dt.datetime | None) -> str:
    when = (f"{japanese_datetime(next_opening)}以降に職員がこのトークでお答えします。"
            if next_opening is not None else "職員が対応できるようになり次第、このトークで"
                                             "お答えします。")
    return (f"相談を受け付けました（受付番号 {number}）。ただいま{department}の受付時間外です"
            f"（受付時間：{hours}）。{when}順番はそのままお取りしています（{place}番目）。"
            f"\n{_WRITE_ON}")


def still_waiting_message() -> str:
    return "メッセージは担当の職員に届いています。職員が対応するまで、もうしばらくお待ちください。"


def taken_message(department: str, name: str) -> str:
    return f"お待たせしました。{department}の{name}が対応します。"


def staff_line(department: str, name: str, text: str) -> str:
    """A staff member's message in a consultation."""
    return f"【{department} {name}】\n{text}"


def ended_message(department: str) -> str:
    return (f"{department}との相談を終了しました。ご利用ありがとうございました。"
            "ほかのご用件は下のボタンからお選びください。")
