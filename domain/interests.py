"""Interests (お知らせの分野): what residents may choose to hear about (防災, 子育て, …). Staff
define the list; residents subscribe on any channel; a segment's `Interest` condition reads the
subscriptions (ADR 0056). A retired interest is no longer offered but keeps its subscriptions
(a segment may still name it; staff may bring it back)."""

from __future__ import annotations

import datetime as dt
import re

from attrs import evolve, frozen

from domain.errors import InvalidValue

__all__ = ["DEFAULT_INTERESTS", "InterestTopic"]

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_LABEL = 20  # a button says it (LINE: ≤ 20 characters)
MAX_DESCRIPTION = 200

# What a new town starts with (the demo seeds them): key, label, description.
DEFAULT_INTERESTS: tuple[tuple[str, str, str], ...] = (
    ("bousai", "防災", "避難情報、防災訓練、災害への備え"),
    ("kosodate", "子育て", "健診、予防接種、子育て支援のお知らせ"),
    ("event", "イベント", "町の催し、講座、お祭り"),
    ("gomi", "ごみの日", "ごみの収集日の変更、分別のお知らせ"),
)


def _label(text: str) -> str:
    label = " ".join(str(text or "").split())
    if not label or len(label) > MAX_LABEL:
        raise InvalidValue(f"分野の名前は1文字以上{MAX_LABEL}文字以内で入力してください。")
    return label


def _description(text: str) -> str:
    description = str(text or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise InvalidValue(f"説明は{MAX_DESCRIPTION}文字以内で入力してください。")
    return description


@frozen
class InterestTopic:
    key: str  # what a subscription and a segment name: bousai
    label: str  # what residents read: 防災
    description: str
    position: int
    active: bool
    created_at: dt.datetime
    version: int = 1

    @classmethod
    def new(cls, *, key: str, label: str, description: str, position: int,
            at: dt.datetime) -> InterestTopic:
        key = str(key or "").strip()
        if not _KEY.match(key):
            raise InvalidValue("キーは英小文字で始まる英小文字・数字・_の32文字以内で入力して"
                               "ください（例: bousai）。")
        return cls(key=key, label=_label(label), description=_description(description),
                   position=position, active=True, created_at=at)

    def renamed(self, label: str, description: str) -> InterestTopic:
        return evolve(self, label=_label(label), description=_description(description))

    def moved_to(self, position: int) -> InterestTopic:
        return evolve(self, position=position)

    def retired(self, active: bool = False) -> InterestTopic:
        return evolve(self, active=active)
