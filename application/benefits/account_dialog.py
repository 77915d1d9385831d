"""The benefit account dialog (振込先口座の登録), as data: the account a benefit is paid to,
chosen from the bank master, with a photo of the passbook. What starts it and what its answers
do is `desk.BenefitDesk`'s."""

from __future__ import annotations

from application.conversations.procedures import AnswerType, Branch, Option, Procedure, Step
from domain.yucho import YUCHO_BANK_CODE

__all__ = ["BENEFIT_ACCOUNT"]

# 別の口座にする: the account a benefit is paid to, chosen from the bank master (a bank or branch
# named exactly is taken at once; otherwise the resident taps one of the candidates), or for
# ゆうちょ銀行 the 記号 and 番号 of the passbook (shown in both forms in the summary), with a
# photo of the passbook that staff compare before approval. Started from a benefit notice's
# button, never from the menu; what happens on completion is
# `application.benefits.entering_account`.
BENEFIT_ACCOUNT = Procedure(
    id="benefit_account",
    title="振込先口座の登録",
    steps=(
        Step(key="bank", label="金融機関", answer=AnswerType.BANK,
             question="振込先の金融機関の名前を送ってください。",
             hint="例: みずほ、ゆうちょ、しんきん（カナや金融機関コードでも探せます）",
             branches=(Branch(when_value=YUCHO_BANK_CODE, goto="yucho_symbol"),)),
        Step(key="branch", label="支店", answer=AnswerType.BRANCH, bank_step="bank",
             question="支店の名前か支店番号（3桁）を送ってください。"),
        Step(key="account_type", label="預金種目", answer=AnswerType.CHOICE,
             question="預金の種類を選んでください。",
             choices=(Option("1", "普通"), Option("2", "当座"), Option("4", "貯蓄"))),
        Step(key="number", label="口座番号", answer=AnswerType.TEXT, max_length=20,
             question="口座番号（7桁までの数字）を送ってください。", check="account_number",
             next="holder"),
        # ゆうちょ銀行: the 記号 and 番号 as the passbook prints them (see domain.yucho)
        Step(key="yucho_symbol", label="記号", answer=AnswerType.TEXT, max_length=20,
             question="通帳の「記号」（5桁の数字）を送ってください。",
             hint="例: 10180（通帳の表紙の裏などに、記号と番号が書かれています）",
             check="yucho_symbol"),
        Step(key="yucho_number", label="記号番号", answer=AnswerType.TEXT, max_length=20,
             question="通帳の「番号」（8桁までの数字）を送ってください。",
             hint="例: 12345671（記号の右側に書かれている番号です）", check="yucho_number"),
        Step(key="holder", label="口座名義（カナ）", answer=AnswerType.TEXT, max_length=30,
             question="口座名義をカタカナで送ってください。",
             hint="例: ヤマダ タロウ（通帳に書かれているとおりに）", check="holder_kana"),
        Step(key="passbook", label="通帳の写真", answer=AnswerType.PHOTO,
             question="通帳の、口座番号と名義が写っているページの写真を送ってください。",
             hint="職員が写真と入力内容を照らし合わせてから支給を決定します。"),
    ),
    completion_message="口座の情報を受け取りました。",
)
