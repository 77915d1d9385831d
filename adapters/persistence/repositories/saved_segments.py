"""Saved segments (`segments`), in SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from adapters.persistence.orm.segments import segments
from application.ports.unit_of_work import ConcurrentUpdate
from domain.saved_segments import SavedSegment
from domain.segments import segment_from_json

__all__ = ["SqlSavedSegmentRepository"]


def _segment(row: object) -> SavedSegment:
    return SavedSegment(
        id=row.id, name=row.name, condition=segment_from_json(row.condition),  # type: ignore[attr-defined]
        created_by=row.created_by, created_at=row.created_at,  # type: ignore[attr-defined]
        updated_by=row.updated_by, updated_at=row.updated_at,  # type: ignore[attr-defined]
        version=row.version)  # type: ignore[attr-defined]


class SqlSavedSegmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> Sequence[SavedSegment]:
        return [_segment(row) for row in self.session.execute(
            select(segments).order_by(segments.c.name))]

    def get(self, segment_id: str) -> SavedSegment | None:
        row = self.session.execute(select(segments).where(segments.c.id == segment_id)).first()
        return None if row is None else _segment(row)

    def get_by_name(self, name: str) -> SavedSegment | None:
        row = self.session.execute(select(segments).where(segments.c.name == name)).first()
        return None if row is None else _segment(row)

    def add(self, segment: SavedSegment) -> None:
        self.session.execute(insert(segments).values(
            id=segment.id, name=segment.name, condition=segment.condition_json,
            created_by=segment.created_by, created_at=segment.created_at,
            updated_by=segment.updated_by, updated_at=segment.updated_at, version=1))

    def save(self, segment: SavedSegment) -> None:
        changed = self.session.execute(
            update(segments)
            .where(segments.c.id == segment.id, segments.c.version == segment.version)
            .values(name=segment.name, condition=segment.condition_json,
                    updated_by=segment.updated_by, updated_at=segment.updated_at,
                    version=segment.version + 1))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(f"segment {segment.id}")

    def delete(self, segment: SavedSegment) -> None:
        gone = self.session.execute(
            delete(segments)
            .where(segments.c.id == segment.id, segments.c.version == segment.version))
        if gone.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(f"segment {segment.id}")
