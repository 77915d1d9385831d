"""What the staff pages of お知らせ配信 show (no personal data: titles, states and counts)."""

from __future__ import annotations

from collections.abc import Sequence

from application.ports.notice_queries import NoticeLine, NoticeResults
from application.ports.unit_of_work import UnitOfWork
from application.segments.managing_segments import labels
from application.segments.wording import describe
from domain.errors import NotFound
from domain.segments import Condition

__all__ = ["count_people", "notice_lines", "notice_results", "segment_words"]


def notice_lines(*, uow: UnitOfWork) -> Sequence[NoticeLine]:
    with uow:
        return uow.queries.notices.notices()


def notice_results(notice_id: str, *, uow: UnitOfWork) -> NoticeResults:
    with uow:
        results = uow.queries.notices.results(notice_id)
    if results is None:
        raise NotFound("お知らせが見つかりません。")
    return results


def count_people(condition: Condition, *, uow: UnitOfWork) -> int:
    """How many people a condition matches now (the compose page's count)."""
    with uow:
        return uow.queries.segments.count(condition)


def segment_words(condition: Condition, *, uow: UnitOfWork) -> str:
    """A notice's condition in words, with the names staff gave (防災, not bousai)."""
    with uow:
        return describe(condition, labels(uow))
