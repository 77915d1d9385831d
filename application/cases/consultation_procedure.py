"""相談: the procedure that hands a resident over to a live conversation with a department,
and where each topic goes (routing data, as お問い合わせ's; ADR 0046)."""

from __future__ import annotations

from application.cases.routing import CaseRoute
from application.conversations.procedures import AnswerType, Option, Procedure, Step

__all__ = ["CONSULTATION", "CONSULTATION_ROUTE"]

CONSULTATION = Procedure(
    id="consultation",
    title="相談",
    steps=(
        Step(key="topic", label="相談の分野", answer=AnswerType.CHOICE,
             question="どの分野のご相談ですか？",
             choices=(
                 Option("living", "暮らし・手続き"),
                 Option("childcare", "子育て・教育"),
                 Option("welfare", "健康・福祉"),
                 Option("tax", "税・保険"),
                 Option("other", "その他"),
             )),
        Step(key="summary", label="相談の内容", answer=AnswerType.TEXT, min_length=2,
             max_length=500, question="ご相談の内容をひとことで教えてください。",
             hint="担当の課の職員が、このトークでお答えします。"),
    ),
    completion_message="相談を受け付けました。",  # the consultation desk says the rest
)

CONSULTATION_ROUTE = CaseRoute(procedure_id="consultation", default="総務課", answer_key="topic",
                               by_value={
                                   "living": "住民課",
                                   "childcare": "子育て支援課",
                                   "welfare": "健康福祉課",
                                   "tax": "税務課",
                               })
