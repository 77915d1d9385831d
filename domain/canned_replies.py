"""定型文: a department's canned replies, which its staff insert into a case's reply form and edit
before sending (ADR 0047). Short text, kept per department; not personal data."""

from __future__ import annotations

import datetime as dt

from attrs import define, field

from domain.errors import InvalidValue

__all__ = ["MAX_CANNED_REPLIES", "MAX_CANNED_TEXT", "MAX_CANNED_TITLE", "CannedReply"]

MAX_CANNED_TITLE = 40
MAX_CANNED_TEXT = 2000  # a reply's own limit (domain.cases.MAX_NOTE)
MAX_CANNED_REPLIES = 30  # a short list: a longer one is not read


def _title(value: str) -> str:
    value = " ".join((value or "").split())
    if not value or len(value) > MAX_CANNED_TITLE:
        raise InvalidValue(f"定型文の名前を{MAX_CANNED_TITLE}文字以内で入力してください。")
    return value


def _text(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > MAX_CANNED_TEXT:
        raise InvalidValue(f"定型文の本文を{MAX_CANNED_TEXT}文字以内で入力してください。")
    return value


@define(slots=False, eq=False)
class CannedReply:
    id: str
    department_id: str
    title: str = field(converter=_title)
    text: str = field(converter=_text)
    created_at: dt.datetime | None = None
    created_by: str = ""  # an actor id

    @classmethod
    def written(cls, *, id: str, department_id: str, title: str, text: str, existing: int,
                by: str, at: dt.datetime) -> CannedReply:
        """A new canned reply for a department that has `existing` ones already."""
        if existing >= MAX_CANNED_REPLIES:
            raise InvalidValue(f"定型文は1つの課に{MAX_CANNED_REPLIES}件までです。使わないものを"
                               "削除してから追加してください。", code="too_many_canned")
        return cls(id=id, department_id=department_id, title=title, text=text,
                   created_at=at, created_by=by)
