"""What the resident sees: the rendering-neutral messages for a question, a list of bank
candidates, the summary, and the short notes in between.

Budget kept here for every channel: at most 13 choices on a message (LINE's quick replies);
long lists of options are shown a page at a time with a "次へ" button.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

from application.conversations import postbacks as pb
from application.conversations.addresses import area_found, pending_area
from application.conversations.answer_checks import CHECKS
from application.conversations.answers import NO, YES
from application.conversations.calendar_dates import offered_dates, short_date
from application.conversations.photos import pending_photos
from application.conversations.procedures import AnswerType, Procedure, Step
from application.conversations.state import Conversation
from application.ports.bank_master import Bank, BankMaster
from application.ports.bank_master import Branch as BankBranch
from application.ports.messaging import SEND_LOCATION, Choice, MessageStyle, OutgoingMessage
from domain.errors import InvalidValue
from domain.phone import written_number
from domain.places import Place

__all__ = [
    "MAX_QUICK_REPLIES",
    "MAX_SUMMARY_VALUE",
    "Prompter",
    "note",
]

MAX_QUICK_REPLIES = 13
MAX_SUMMARY_VALUE = 80  # characters of one answer shown in the summary
MAX_TEXT = 4800  # UTF-16 units: under LINE's 5000 per text message

_DEFAULT_HINTS = {
    AnswerType.DATE: "例: 2026-04-01、2026/4/1、令和8年4月1日",
    AnswerType.BANK: "金融機関の名前の一部（ひらがな・カタカナ・漢字）か、4桁の金融機関コードを"
                     "送ってください。",
    AnswerType.BRANCH: "支店の名前の一部か、3桁の支店コードを送ってください。",
    AnswerType.PHOTO: "写真を送ってください。",
    AnswerType.LOCATION: "場所の住所（例: 本町2丁目5番の前）を入力するか、位置情報を送って"
                         "ください。",
    AnswerType.PHONE: "例: 090-1234-5678、0866-92-1234（市外局番から）",
    AnswerType.EMAIL: "例: taro@example.jp",
    AnswerType.ADDRESS: "住所を入力してください。郵便番号（例: 719-1131）を送ると、番地の前まで"
                        "入ります。",
}
_PLACEHOLDER = re.compile(r"\{answers\.([A-Za-z][A-Za-z0-9_]*)\}")


def note(text: str) -> OutgoingMessage:
    """A line that is not a question: an explanation, a greeting, a result."""
    return OutgoingMessage(text=_clip(text, MAX_TEXT))


def _clip(text: str, limit: int) -> str:
    """At most `limit` UTF-16 code units (how LINE counts text), "…" marking a cut."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    kept, used = [], 0
    for char in text:
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


class Prompter:
    """Builds the messages of one procedure. Reads the bank master for names, nothing else;
    `today` (in Japan) for the dates a question offers."""

    def __init__(self, procedure: Procedure, bank_master: BankMaster,
                 today: dt.date | None = None) -> None:
        self.procedure = procedure
        self.bank_master = bank_master
        self.today = today

    # -- showing answers ---------------------------------------------------------------------

    def display(self, step: Step, answers: dict[str, Any]) -> str:
        """An answer as the resident reads it: the option's label, はい, 2026年4月1日, …"""
        value = answers.get(step.key)
        if value is None:
            return "（なし）" if step.key in answers else ""
        kind = step.answer
        if kind is AnswerType.CHOICE:
            option = step.option(value)
            return option.label if option else str(value)
        if kind is AnswerType.YES_NO:
            return "はい" if value else "いいえ"
        if kind is AnswerType.DATE:
            year, month, day = (int(part) for part in str(value).split("-"))
            return f"{year}年{month}月{day}日"
        if kind is AnswerType.NUMBER:
            return f"{value:,}"
        if kind is AnswerType.PHONE:
            return written_number(str(value))
        if kind is AnswerType.BANK:
            bank = self.bank_master.bank(str(value))
            return _bank_label(bank) if bank else str(value)
        if kind is AnswerType.BRANCH:
            bank_code = answers.get(step.bank_step or "")
            branch = self.bank_master.branch(str(bank_code), str(value)) if bank_code else None
            return _branch_label(branch) if branch else str(value)
        if kind is AnswerType.PHOTO:
            return f"写真（{len(value) if isinstance(value, list) else 1}枚）"
        if kind is AnswerType.LOCATION:
            return _place_text(value)
        if kind is AnswerType.TEXT and step.check:
            return CHECKS[step.check].display(str(value), self.checked_answers(answers))
        return str(value)

    def checked_answers(self, answers: dict[str, Any],
                        on_path: Sequence[str] | None = None) -> dict[str, Any]:
        """The answers of questions with a named check, by the check's name (what a later
        check reads, see answer_checks); only those on the path when `on_path` is given."""
        return {step.check: answers[step.key] for step in self.procedure.steps
                if step.check and step.key in answers
                and (on_path is None or step.key in on_path)}

    def fill(self, text: str, answers: dict[str, Any]) -> str:
        """Replace {answers.key} with the display of that answer ("" when not answered)."""

        def one(match: re.Match[str]) -> str:
            try:
                step = self.procedure.step(match[1])
            except KeyError:
                return ""
            return self.display(step, answers)

        return _PLACEHOLDER.sub(one, text)

    # -- questions ---------------------------------------------------------------------------

    def intro(self) -> OutgoingMessage:
        return note(f"「{self.procedure.title}」の手続きを始めます。\n"
                    "途中で「戻る」と送ると前の質問に戻り、「やめる」と送ると手続きをやめます。")

    def question(self, conversation: Conversation, *, page: int = 1) -> OutgoingMessage:
        """The current question with its buttons (options a page at a time)."""
        step = self.procedure.step(str(conversation.step_key))
        answers = conversation.answers
        lines = [self.fill(step.question, answers)]
        hint = step.hint or _DEFAULT_HINTS.get(step.answer, "")
        area = pending_area(step, conversation)
        if area is not None:  # a postal code found: the rest of the address is asked
            lines = [area_found(*area)]
            hint = "郵便番号を入れ直すときは、もう一度郵便番号を送ってください。"
        if hint:
            lines.append(self.fill(hint, answers))
        sent = len(pending_photos(step, conversation))
        if sent:  # a question that takes several photos, some sent
            lines.append(f"写真を{sent}枚受け取りました（{step.max_photos}枚まで）。追加するときは"
                         "もう1枚送り、終わったら「次へ」を押してください。")
        elif step.key in answers and answers[step.key] is not None:
            shown = _clip(self.display(step, answers), MAX_SUMMARY_VALUE)
            lines.append(f"（前回の回答: {shown}）")
        turn = conversation.turn
        nav = self._navigation(step, conversation)
        options: list[Choice] = []
        if sent:
            options = [_choice("写真を追加", pb.postback(turn, pb.MORE_PHOTOS)),
                       _choice("次へ", pb.postback(turn, pb.PHOTOS_DONE))]
        if step.answer is AnswerType.LOCATION:  # LINE: its location picker; elsewhere a form
            options = [Choice(label="位置情報を送る", data=SEND_LOCATION)]
        if step.answer is AnswerType.CHOICE:
            options, page_line = self._page(step, turn, page, room=MAX_QUICK_REPLIES - len(nav))
            if page_line:
                lines.append(page_line)
        elif step.answer is AnswerType.YES_NO:
            options = [_choice("はい", pb.postback(turn, YES)),
                       _choice("いいえ", pb.postback(turn, NO))]
        elif step.answer is AnswerType.DATE and step.offer_dates and self.today is not None:
            offered = offered_dates(step, self.today)
            options = [_choice(short_date(day), pb.postback(turn, day.isoformat()))
                       for day in offered]
            lines.append("下のボタンから日付を選んでください（日付を入力することもできます）。"
                         if offered else "いま選べる日付がありません。")
        text = _clip("\n".join(lines), MAX_TEXT)
        return _quick_reply(text, [*options, *nav])

    def _navigation(self, step: Step, conversation: Conversation) -> list[Choice]:
        turn = conversation.turn
        nav = []
        if not step.required:
            nav.append(_choice("スキップ", pb.postback(turn, pb.SKIP)))
        if conversation.history:
            nav.append(_choice("戻る", pb.postback(turn, pb.BACK)))
        nav.append(_choice("やめる", pb.postback(turn, pb.CANCEL)))
        return nav

    def _page(self, step: Step, turn: int, page: int, *, room: int) -> tuple[list[Choice], str]:
        options = step.choices
        if len(options) <= room:
            return [_choice(o.label, pb.postback(turn, o.value)) for o in options], ""
        size = room - 1  # one button turns the page
        pages = math.ceil(len(options) / size)
        page = min(max(page, 1), pages)
        start = (page - 1) * size
        shown = options[start:start + size]
        choices = [_choice(o.label, pb.postback(turn, o.value)) for o in shown]
        if page < pages:
            choices.append(_choice("次へ", pb.postback(turn, pb.page_value(page + 1))))
        else:
            choices.append(_choice("最初の候補へ", pb.postback(turn, pb.page_value(1))))
        line = f"選択肢 {start + 1}〜{start + len(shown)}（全{len(options)}件）"
        return choices, line

    def candidates(self, conversation: Conversation, query: str,
                   found: Sequence[Bank | BankBranch], *, more: bool) -> OutgoingMessage:
        """Banks or branches that match what was typed, as buttons (up to 12 and 別の名前で探す)."""
        turn = conversation.turn
        choices = []
        for item in found[: MAX_QUICK_REPLIES - 1]:
            label = item.name
            shown = _bank_label(item) if isinstance(item, Bank) else _branch_label(item)
            choices.append(Choice(label=label, data=pb.postback(turn, item.code),
                                  display_text=shown))
        choices.append(_choice("別の名前で探す", pb.postback(turn, pb.SEARCH)))
        text = f"「{_clip(query, 40)}」の候補です。当てはまるものを選んでください。"
        if more:
            text += f"\n候補が多いため{len(choices) - 1}件まで表示しています。" \
                    "もう少し詳しく入力すると絞り込めます。"
        return _quick_reply(text, choices)

    # -- confirmation ------------------------------------------------------------------------

    def summary(self, conversation: Conversation) -> list[OutgoingMessage]:
        """The answers on the path taken, then はい / いいえ."""
        lines = [f"「{self.procedure.title}」の内容を確かめてください。", ""]
        for key in conversation.history:
            step = self.procedure.step(key)
            shown = _clip(self.display(step, conversation.answers), MAX_SUMMARY_VALUE)
            label = _clip(self.fill(step.summary_label, conversation.answers), 40)
            lines.append(f"・{label}: {shown}")
        turn = conversation.turn
        question = "この内容で送りますか？"
        return [
            note("\n".join(lines)),
            OutgoingMessage(
                text=question, style=MessageStyle.CONFIRM, alt_text=f"{question}（はい／いいえ）",
                choices=(_choice("はい", pb.postback(turn, YES)),
                         _choice("いいえ", pb.postback(turn, NO))),
            ),
        ]

    def declined(self, conversation: Conversation) -> OutgoingMessage:
        turn = conversation.turn
        return _quick_reply(
            "内容を直すときは「戻る」（直前の質問へ）か「最初から」を、"
            "手続きをやめるときは「やめる」を選んでください。",
            [_choice("戻る", pb.postback(turn, pb.BACK)),
             _choice("最初から", pb.postback(turn, pb.RESTART)),
             _choice("やめる", pb.postback(turn, pb.CANCEL))],
        )

    def completion(self, conversation: Conversation) -> OutgoingMessage:
        return note(self.fill(self.procedure.completion_message, conversation.answers))


def _choice(label: str, data: str) -> Choice:
    return Choice(label=label, data=data)


def _quick_reply(text: str, choices: list[Choice]) -> OutgoingMessage:
    if len(choices) > MAX_QUICK_REPLIES:  # a bug here, never the resident's doing
        raise AssertionError(f"{len(choices)} choices on one message")
    return OutgoingMessage(text=text, choices=tuple(choices), style=MessageStyle.QUICK_REPLY)


def _place_text(value: Any) -> str:
    """A kept place as the resident reads it: its address, else 「緯度…, 経度…」."""
    try:
        return Place.from_dict(value).text() if isinstance(value, dict) else str(value)
    except InvalidValue:
        return str(value.get("address") or "")


def _bank_label(bank: Bank) -> str:
    return f"{bank.full_name}（{bank.code}）"


def _branch_label(branch: BankBranch) -> str:
    return f"{branch.full_name}（{branch.code}）"
