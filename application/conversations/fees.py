"""A procedure's fee (手数料): a fixed amount, or an amount per unit of one answer (粗大ごみ:
400円 per item). The resident pays it online before the case is opened (ADR 0053).

`Fee` is part of the procedure (and of its template); `Fee.due(answers)` is what one resident
owes for their answers, with the calculation they are shown (400円 × 3点 = 1,200円).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attrs import frozen

from application.conversations.steps import AnswerType, Step
from domain.values import Money

__all__ = ["MAX_FEE_YEN", "Fee", "FeeDue", "fee_errors"]

MAX_FEE_YEN = 1_000_000  # the most one resident can owe for one procedure, online
MAX_FEE_LABEL = 40
MAX_FEE_UNIT = 5


@frozen
class FeeDue:
    """What one resident owes: `quantity` units of `unit_amount` (a fixed fee: one)."""

    label: str
    unit_amount: Money
    quantity: int
    unit: str = ""  # 点, 枚: shown after the quantity (a fixed fee: none)

    @property
    def total(self) -> Money:
        return self.unit_amount.times(self.quantity)

    def calculation(self) -> str:
        """`粗大ごみ処理手数料: 400円 × 3点 = 1,200円` (a fixed fee: `…: 1,200円`)."""
        if not self.unit:
            return f"{self.label}: {self.total.format()}"
        return (f"{self.label}: {self.unit_amount.format()} × {self.quantity}{self.unit} = "
                f"{self.total.format()}")


@frozen
class Fee:
    """`amount` yen, once (`per_answer` None) or per unit of the NUMBER question `per_answer`."""

    amount: int
    label: str
    per_answer: str | None = None
    unit: str = "点"  # per_answer's unit, as the resident reads it

    def due(self, answers: Mapping[str, Any]) -> FeeDue:
        if self.per_answer is None:
            return FeeDue(label=self.label, unit_amount=Money(self.amount), quantity=1)
        value = answers.get(self.per_answer)
        quantity = value if isinstance(value, int) and not isinstance(value, bool) else 0
        return FeeDue(label=self.label, unit_amount=Money(self.amount),
                      quantity=max(quantity, 0), unit=self.unit)

    # -- the template ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"amount": self.amount, "label": self.label}
        if self.per_answer is not None:
            out["per_answer"] = self.per_answer
            if self.unit != "点":
                out["unit"] = self.unit
        return out


def fee_errors(fee: Any, steps: Sequence[Step]) -> list[str]:
    """What is wrong with a procedure's fee, each said in Japanese (empty: nothing). The amount
    is a positive whole number of yen; `per_answer` names a NUMBER question with a
    `max_value`, so the most anyone can owe stays within `MAX_FEE_YEN`."""
    if fee is None:
        return []
    if not isinstance(fee, Fee):
        return ["手数料の形式が正しくありません。"]
    errors: list[str] = []
    amount = fee.amount
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        errors.append("手数料の amount は1円以上の整数にしてください。")
        amount = None
    elif amount > MAX_FEE_YEN:
        errors.append(f"手数料の amount は{MAX_FEE_YEN:,}円以下にしてください。")
        amount = None
    if not isinstance(fee.label, str) or not fee.label.strip():
        errors.append("手数料の label（例: 粗大ごみ処理手数料）がありません。")
    elif len(fee.label) > MAX_FEE_LABEL:
        errors.append(f"手数料の label は{MAX_FEE_LABEL}文字以内にしてください。")
    if fee.per_answer is None:
        return errors
    if not isinstance(fee.unit, str) or not fee.unit.strip() or len(fee.unit) > MAX_FEE_UNIT:
        errors.append(f"手数料の unit（例: 点）は{MAX_FEE_UNIT}文字以内で指定してください。")
    step = next((s for s in steps if isinstance(s, Step) and s.key == fee.per_answer), None)
    if step is None:
        errors.append(f"手数料の per_answer「{fee.per_answer}」という質問がありません。")
    elif step.answer is not AnswerType.NUMBER:
        errors.append(f"手数料の per_answer「{fee.per_answer}」は数の質問（number）に"
                      "してください。")
    elif not isinstance(step.max_value, int) or isinstance(step.max_value, bool):
        errors.append(f"手数料の per_answer「{fee.per_answer}」の質問に max_value を"
                      "指定してください（手数料の上限を決めるため）。")
    elif not isinstance(step.min_value, int) or isinstance(step.min_value, bool) or \
            step.min_value < 0:
        errors.append(f"手数料の per_answer「{fee.per_answer}」の質問に、0以上の min_value を"
                      "指定してください（負の数で手数料が減らないように）。")
    elif amount is not None and amount * max(step.max_value, 0) > MAX_FEE_YEN:
        errors.append(f"手数料が最大で{amount * step.max_value:,}円になります。"
                      f"{MAX_FEE_YEN:,}円以下になるよう、amount か質問の max_value を"
                      "小さくしてください。")
    return errors
