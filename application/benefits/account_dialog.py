"""The benefit account dialog (振込先口座の登録), as data: the account a benefit is paid to,
chosen from the bank master, with a photo of the passbook. What starts it and what its answers
do is `desk.BenefitDesk`'s."""

from __future__ import annotations

from application.conversations.procedures import AnswerType, Option, Procedure, Step

__all__ = ["BENEFIT_ACCOUNT"]

# 別の口座にする: the account a benefit is paid to, chosen from the bank master (no free typing of
# banks or branches), with a photo of the passbook that staff compare before approval. Started
# from a benefit notice's button, never from the menu; what happens on completion is
# `application.benefits.entering_account`.
BENEFIT_ACCOUNT = Procedure(
    id="benefit_account",
    title="振込先口座の登録",
    steps=(
        Step(key="bank", label="金融機関", answer=AnswerType.BANK,
             question="振込先の金融機関の名前を送ってください。",
             hint="例: みずほ、ゆうちょ、しんきん（カナや金融機関コードでも探せます）"),
        Step(key="branch", label="支店", answer=AnswerType.BRANCH, bank_step="bank",
             question="支店の名前か支店番号（3桁）を送ってください。"),
        Step(key="account_type", label="預金種目", answer=AnswerType.CHOICE,
             question="預金の種類を選んでください。",
             choices=(Option("1", "普通"), Option("2", "当座"), Option("4", "貯蓄"))),
        Step(key="number", label="口座番号", answer=AnswerType.TEXT,
             question="口座番号（7桁までの数字）を送ってください。",
             pattern=r"[0-9]{1,7}", pattern_message="口座番号は7桁までの数字で送ってください。"),
        Step(key="holder", label="口座名義（カナ）", answer=AnswerType.TEXT, max_length=30,
             question="口座名義をカタカナで送ってください。",
             hint="例: ヤマダ タロウ（通帳に書かれているとおりに）",
             pattern=r"[ァ-ヺぁ-ゖA-Za-z0-9 ()./\-]+",
             pattern_message="口座名義はカタカナで送ってください（漢字と「ー」は使えません）。"),
        Step(key="passbook", label="通帳の写真", answer=AnswerType.PHOTO,
             question="通帳の、口座番号と名義が写っているページの写真を送ってください。",
             hint="職員が写真と入力内容を照らし合わせてから支給を決定します。"),
    ),
    completion_message="口座の情報を受け取りました。",
)
