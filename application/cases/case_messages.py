"""What the resident reads about their case in the chat: its number when it is opened, that a
message was added to it, that it is closed."""

from __future__ import annotations

__all__ = ["BACK_TO_MENU", "added_message", "closed_message", "opened_message"]

BACK_TO_MENU = "メニューに戻るときは「メニュー」と送ってください。"


def opened_message(number: str) -> str:
    return (f"受付番号 {number}\n担当の課から、こちらでお返事します。"
            f"続けてメッセージを送ると、この受付番号の案件に追加されます。{BACK_TO_MENU}")


def added_message(number: str) -> str:
    return f"受付番号 {number} の案件にメッセージを追加しました。担当の課からお返事します。" \
           f"{BACK_TO_MENU}"


def closed_message(number: str) -> str:
    return (f"受付番号 {number} の案件は対応を終えています。新しいご用件は、"
            "メニューからお選びください。")
