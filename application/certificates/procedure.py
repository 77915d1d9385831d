"""The certificate request dialog (証明書の請求), as data: which certificate, what it shows,
for whom, how many copies and why. The fee summary and the pay button follow it
(see requesting_certificate.py)."""

from __future__ import annotations

from application.conversations.procedures import AnswerType, Branch, Option, Procedure, Step
from domain.certificates import MAX_COPIES, CertificateKind

__all__ = ["CERTIFICATE", "ITEM_CHOICES", "PROCEDURE_ID", "PURPOSES"]

PROCEDURE_ID = "certificate"

# What a 住民票の写し shows, as one choice: the option's value → the items (記載事項).
ITEM_CHOICES: dict[str, frozenset[str]] = {
    "self": frozenset(),
    "self_relationship": frozenset({"続柄"}),
    "self_domicile": frozenset({"続柄", "本籍"}),
    "household": frozenset({"世帯全員", "続柄"}),
    "household_domicile": frozenset({"世帯全員", "続柄", "本籍"}),
}
PURPOSES = (
    Option("pension", "年金・保険"),
    Option("work", "就職・資格"),
    Option("vehicle", "自動車・免許"),
    Option("contract", "金融機関・契約"),
    Option("inheritance", "相続"),
    Option("school", "学校・保育"),
    Option("other", "その他"),
)

CERTIFICATE = Procedure(
    id=PROCEDURE_ID,
    title="証明書の請求",
    confirm=False,  # the summary comes with the fee and the pay button instead
    steps=(
        Step(key="kind", label="証明書", answer=AnswerType.CHOICE,
             question="どの証明書を請求しますか？",
             choices=tuple(Option(kind.value, kind.label) for kind in CertificateKind),
             branches=(
                 Branch(when_value=CertificateKind.SEAL_REGISTRATION.value, goto="copies"),
                 Branch(when_value=CertificateKind.INCOME.value, goto="subject"),
                 Branch(when_value=CertificateKind.TAXATION.value, goto="subject"),
             )),
        Step(key="items", label="記載内容", answer=AnswerType.CHOICE,
             question="住民票の写しに載せる内容を選んでください。",
             hint="本籍・続柄は、必要な場合だけ載せてください。",
             choices=(
                 Option("self", "本人のみ・省略"),
                 Option("self_relationship", "本人のみ・続柄あり"),
                 Option("self_domicile", "本人のみ・本籍続柄あり"),
                 Option("household", "世帯全員・続柄あり"),
                 Option("household_domicile", "世帯全員・本籍続柄あり"),
             ),
             # the whole household is the requester's own: nobody else to name
             branches=(Branch(when_value="household", goto="copies"),
                       Branch(when_value="household_domicile", goto="copies"))),
        Step(key="subject", label="対象の方", answer=AnswerType.CHOICE,
             question="どなたの証明書ですか？",
             choices=(Option("self", "ご本人"), Option("household", "同じ世帯の方")),
             branches=(Branch(when_value="self", goto="copies"),)),
        Step(key="member_name", label="対象の方の氏名", answer=AnswerType.TEXT, max_length=50,
             question="証明書が必要な方の氏名を、住民票のとおりに入力してください。"),
        Step(key="member_birthdate", label="対象の方の生年月日", answer=AnswerType.DATE,
             not_future=True, question="その方の生年月日を入力してください。"),
        Step(key="copies", label="通数", answer=AnswerType.NUMBER, min_value=1,
             max_value=MAX_COPIES, question="何通必要ですか？",
             hint=f"1〜{MAX_COPIES}の数字で入力してください。"),
        Step(key="purpose", label="使用目的", answer=AnswerType.CHOICE,
             question="証明書を何に使いますか？", choices=PURPOSES),
    ),
    completion_message="請求の内容を確認しています。",
)
