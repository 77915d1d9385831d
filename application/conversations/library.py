"""Generic procedures that ship with Madoguchi, as data (the same shape staff export as
templates). Procedures that belong to a feature live with it (the certificate request in
`application/certificates/procedure.py`, the benefit account dialog in
`application/benefits/account_dialog.py`); the container lists them all for the engine."""

from __future__ import annotations

from application.conversations.procedures import (
    CONFIRM,
    AnswerType,
    Branch,
    Option,
    Procedure,
    Step,
)

__all__ = ["CONTACT"]

# お問い合わせ: a resident writes to the town hall, with a photo if they like (a broken street
# light, an illegal dump). A verified resident is not asked their name: the registry's is used
# and shown in the summary.
CONTACT = Procedure(
    id="contact",
    title="お問い合わせ",
    steps=(
        Step(key="name", label="お名前", answer=AnswerType.TEXT, max_length=50,
             question="お名前を教えてください。", known="name"),
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
    completion_message="お問い合わせを受け付けました。",  # the inbox adds the 受付番号
)
