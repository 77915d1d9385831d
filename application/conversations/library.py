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

__all__ = ["CONTACT", "REPORT"]

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

# 通報: a resident reports a broken road, a dead street light, a fallen tree or illegal dumping,
# with the place (a LINE location, or an address typed or entered on the web page) and up to
# three photos. Said the same on every channel: the answer comes where the report was sent.
REPORT = Procedure(
    id="report",
    title="道路・公園などの通報",
    steps=(
        Step(key="what", label="通報の内容", answer=AnswerType.CHOICE,
             question="何を通報しますか？",
             choices=(
                 Option("road", "道路の損傷"),
                 Option("street_light", "街灯の故障"),
                 Option("fallen_tree", "倒木"),
                 Option("dumping", "不法投棄"),
                 Option("other", "その他"),
             )),
        Step(key="place", label="場所", answer=AnswerType.LOCATION,
             question="場所を教えてください。"),
        Step(key="photos", label="写真", answer=AnswerType.PHOTO, max_photos=3, required=False,
             question="様子がわかる写真を送ってください（3枚まで）。写真がなければ「スキップ」を"
                      "押してください。",
             hint="近くから1枚、周りの様子がわかるように1枚あると助かります。"),
        Step(key="detail", label="詳しい様子", answer=AnswerType.TEXT, max_length=1000,
             required=False,
             question="詳しい様子があれば教えてください（なければ「スキップ」）。",
             hint="例: 歩道に深さ10cmほどの穴があります。"),
    ),
    completion_message="通報を受け付けました。ありがとうございます。担当の課が確認し、お知らせが"
                       "あるときは、この通報を送ったところへお届けします。",
)
