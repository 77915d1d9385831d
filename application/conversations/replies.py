"""What the engine says between questions: the short notes of the conversation itself (a
question's own explanations are said where it is read: answers.py, calendar_dates.py, …)."""

from __future__ import annotations

__all__ = ["CANCELLED", "CLOSED", "EXPIRED", "NEXT_WORDS", "NOTHING_BEFORE", "NOT_A_PHOTO",
           "NOT_A_PLACE", "NOT_SKIPPABLE", "RESTARTED", "RESUMED", "SEND_PHOTO", "SEND_PLACE",
           "STALE", "WITHDRAWN", "YES_OR_NO"]

STALE = "その質問はすでに終わっています。"
EXPIRED = "前回の手続きは時間切れになりました。もう一度はじめからお願いします。"
CLOSED = "この手続きはすでに終わっています。"
WITHDRAWN = "この手続きは受付を終了しました。"
CANCELLED = "手続きをやめました。また必要なときに始めてください。"
RESTARTED = "最初からやり直します。"
RESUMED = ("手続きの途中です。続きからお答えください（やり直すときは「最初から」、"
           "やめるときは「やめる」と送ってください）。")
NOTHING_BEFORE = "これより前の質問はありません。"
NOT_SKIPPABLE = "この質問は省略できません。"
SEND_PHOTO = "写真を送ってください。"
NOT_A_PHOTO = "ここでは写真ではなく、文字かボタンで答えてください。"
NOT_A_PLACE = "ここでは位置情報ではなく、文字かボタンで答えてください。"
SEND_PLACE = "場所の住所を入力するか、位置情報を送ってください。"
NEXT_WORDS = {"次へ", "つぎへ", "次", "next"}  # typed instead of tapping 次へ after photos
YES_OR_NO = "「はい」か「いいえ」で答えてください。"
