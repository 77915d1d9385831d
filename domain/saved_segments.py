"""A saved segment (配信対象): a condition staff named, to send notices to again (ADR 0056).
The condition is kept in its JSON form (`domain.segments.segment_to_json`)."""

from __future__ import annotations

import datetime as dt

from attrs import define

from domain.errors import InvalidValue
from domain.segments import Condition, segment_to_json

__all__ = ["MAX_NAME", "SavedSegment"]

MAX_NAME = 64


def _name(text: str) -> str:
    name = " ".join(str(text or "").split())
    if not name or len(name) > MAX_NAME:
        raise InvalidValue(f"配信対象の名前は1文字以上{MAX_NAME}文字以内で入力してください。")
    return name


@define(eq=False)
class SavedSegment:
    id: str
    name: str
    condition: Condition
    created_by: str
    created_at: dt.datetime
    updated_by: str
    updated_at: dt.datetime
    version: int = 1  # the version it was read at: two staff saving at once, one wins

    @classmethod
    def new(cls, *, id: str, name: str, condition: Condition, by: str,
            at: dt.datetime) -> SavedSegment:
        return cls(id=id, name=_name(name), condition=condition, created_by=by, created_at=at,
                   updated_by=by, updated_at=at)

    def change(self, *, name: str, condition: Condition, by: str, at: dt.datetime) -> None:
        self.name, self.condition = _name(name), condition
        self.updated_by, self.updated_at = by, at

    @property
    def condition_json(self) -> dict[str, object]:
        return segment_to_json(self.condition)
