"""Interests and their subscriptions (`interests`, `interest_subscriptions`), in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from adapters.persistence.orm.community import interest_subscriptions, interests
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError
from domain.interests import InterestTopic

__all__ = ["SqlInterestRepository"]

_COLUMNS = ("key", "label", "description", "position", "active", "created_at", "version")


def _topic(row: object) -> InterestTopic:
    return InterestTopic(**{name: getattr(row, name) for name in _COLUMNS})


class SqlInterestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> Sequence[InterestTopic]:
        rows = self.session.execute(select(interests)
                                    .order_by(interests.c.position, interests.c.key))
        return [_topic(row) for row in rows]

    def get(self, key: str) -> InterestTopic | None:
        row = self.session.execute(select(interests).where(interests.c.key == key)).first()
        return None if row is None else _topic(row)

    def add(self, interest: InterestTopic) -> None:
        if self.get(interest.key) is not None:
            raise DuplicateError("interests_pkey")
        self.session.execute(insert(interests).values(
            {name: getattr(interest, name) for name in _COLUMNS}))

    def save(self, interest: InterestTopic) -> None:
        changed = self.session.execute(
            update(interests)
            .where(interests.c.key == interest.key, interests.c.version == interest.version)
            .values(label=interest.label, description=interest.description,
                    position=interest.position, active=interest.active,
                    version=interest.version + 1))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(f"interest {interest.key}")

    def subscribed(self, identity_ids: Sequence[str]) -> set[str]:
        if not identity_ids:
            return set()
        return set(self.session.scalars(
            select(interest_subscriptions.c.interest_key)
            .where(interest_subscriptions.c.identity_id.in_(list(identity_ids)))))

    def subscribe(self, identity_id: str, key: str, *, at: dt.datetime) -> bool:
        if key in self.subscribed([identity_id]):
            return False
        self.session.execute(insert(interest_subscriptions).values(
            identity_id=identity_id, interest_key=key, subscribed_at=at))
        return True

    def unsubscribe(self, identity_ids: Sequence[str], key: str) -> int:
        if not identity_ids:
            return 0
        removed = self.session.execute(
            delete(interest_subscriptions)
            .where(interest_subscriptions.c.identity_id.in_(list(identity_ids)),
                   interest_subscriptions.c.interest_key == key))
        return int(removed.rowcount)  # type: ignore[attr-defined]
