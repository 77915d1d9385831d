"""What the procedure editor offers, derived from the engine: every answer type of `AnswerType`,
every known fact of `KNOWN_FACTS`, the named checks of `answer_checks.CHECKS`, and the rules a
question of each type may carry, as far as `Step` has them (a rule whose field `Step` does not
have yet is not offered; one that lands later appears by itself). Each with its Japanese label
(English in the catalogue). A field the editor does not know is kept as it is in the JSON."""

from __future__ import annotations

from attrs import fields, frozen

from application.conversations import steps as step_module
from application.conversations.answer_checks import CHECKS
from application.conversations.procedures import Procedure
from application.conversations.steps import AnswerType, Step
from domain.built_procedures import MENU_CHANNELS, channel_label

__all__ = [
    "ANSWER_TYPES",
    "CHANNELS",
    "CHECK_NAMES",
    "FEES",
    "KNOWN",
    "RULES",
    "WEEKDAYS",
    "Rule",
]

_TYPE_LABELS = {
    "text": "文字", "choice": "選択肢から選ぶ", "yes_no": "はい・いいえ", "date": "日付",
    "number": "数", "bank": "金融機関", "branch": "支店", "photo": "写真", "location": "場所",
    "phone": "電話番号", "email": "メールアドレス", "address": "住所（郵便番号から）",
}
_KNOWN_LABELS = {"name": "氏名", "kana": "氏名（フリガナ）", "address": "住所",
                 "birth_date": "生年月日"}
_CHECK_LABELS = {"account_number": "口座番号", "holder_kana": "口座名義（カナ）",
                 "yucho_symbol": "ゆうちょ銀行の記号", "yucho_number": "ゆうちょ銀行の番号",
                 "contact_address": "携帯電話番号またはメールアドレス"}


def _label(labels: dict[str, str], key: str) -> str:
    return labels.get(key, key)


# (value, label): in the engine's order
ANSWER_TYPES = [(kind.value, _label(_TYPE_LABELS, kind.value)) for kind in AnswerType]
KNOWN = [(fact, _label(_KNOWN_LABELS, fact)) for fact in step_module.KNOWN_FACTS]
CHECK_NAMES = [(name, _label(_CHECK_LABELS, name)) for name in CHECKS]
CHANNELS = [(channel, channel_label(channel)) for channel in MENU_CHANNELS]
WEEKDAYS = list(enumerate("月火水木金土日"))  # 0 = Monday, as Python counts


@frozen
class Rule:
    """A rule of a question of some answer types: its field in the template, its label, and
    what is typed: int, text, date, flag, weekdays (0–6), check (a named check), step (an
    earlier question's key)."""

    name: str
    label: str
    kind: str
    types: tuple[str, ...]
    hint: str = ""


_RULES = (
    Rule("min_length", "最小の文字数", "int", ("text",)),
    Rule("max_length", "最大の文字数", "int", ("text",)),
    Rule("pattern", "形式（正規表現）", "text", ("text",), "例: ^[0-9]{7}$"),
    Rule("pattern_message", "形式に合わないときに伝える文", "text", ("text",)),
    Rule("check", "確認の種類", "check", ("text",)),
    Rule("min_value", "最小値", "int", ("number",)),
    Rule("max_value", "最大値", "int", ("number",)),
    Rule("min_date", "この日から", "date", ("date",)),
    Rule("max_date", "この日まで", "date", ("date",)),
    Rule("not_future", "今日より後の日付は受け付けない", "flag", ("date",)),
    Rule("weekdays", "受け付ける曜日（選ばなければ毎日）", "weekdays", ("date",)),
    Rule("min_days_ahead", "今日から何日後以降", "int", ("date",)),
    Rule("offer_dates", "ボタンで示す日付の数", "int", ("date",)),
    Rule("bank_step", "金融機関を聞いた質問", "step", ("branch",)),
    Rule("max_photos", "写真の枚数（上限）", "int", ("photo",)),
)
_STEP_FIELDS = {attribute.name for attribute in fields(Step)}
RULES = [rule for rule in _RULES if rule.name in _STEP_FIELDS]

# A fee (fixed, or per unit of a number answer) once the engine has one (Procedure.fee).
FEES = "fee" in {attribute.name for attribute in fields(Procedure)}
