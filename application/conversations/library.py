"""Procedures that ship with Madoguchi, as data (the same shape staff export as templates)."""

from __future__ import annotations

from application.certificates.procedure import CERTIFICATE
from application.conversations.procedures import (
    CONFIRM,
    AnswerType,
    Branch,
    Option,
    Procedure,
    Step,
)

__all__ = ["BENEFIT_ACCOUNT", "CONTACT", "builtin_procedures"]

# お問い合わせ: a resident writes to the town hall, with a photo if they like (a broken street
# light, an illegal dump).
CONTACT = Procedure(
    id="contact",
    title="お問い合わせ",
    steps=(
        Step(key="name", label="お名前", answer=AnswerType.TEXT, max_length=50,
             question="お名前を教えてください。"),
        Step(key="topic", label="ご用件", answer=AnswerType.CHOICE,
             question="どのようなご用件ですか？",
             choices=(
                 Option("procedures", "届出・証明書"),
                 Option("waste", "ごみ・環境"),
                 Option("roads", "道路・公園"),
                 Option("childcare", "子育て・教育"),
                 Option("tax", "税・保険"),
                 Option("other", "その他"),
             )),
        Step(key="detail", label="内容", answer=AnswerType.TEXT, min_length=5, max_length=1000,
             question="{answers.name}さん、お問い合わせの内容を詳しく教えてください。",
             hint="場所や日時があれば、あわせて書いてください。"),
        Step(key="wants_photo", label="写真を添える", answer=AnswerType.YES_NO,
             question="写真を添えますか？",
             branches=(Branch(when_value=False, goto=CONFIRM),)),
        Step(key="photo", label="写真", answer=AnswerType.PHOTO,
             question="写真を1枚送ってください。"),
    ),
    completion_message="お問い合わせを受け付けました。担当の課から、このLINEでお返事します。",
)


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


def builtin_procedures() -> dict[str, Procedure]:
    return {procedure.id: procedure for procedure in (CONTACT, BENEFIT_ACCOUNT, CERTIFICATE)}
