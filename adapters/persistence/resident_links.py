"""Personal links and sign-in codes in the database (`resident_links`), so that any process
refuses a link used in another. `use` is one conditional UPDATE: of two uses at once, one
wins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from adapters.persistence.orm.web import resident_links
from application.ports.resident_links import LinkPurpose, ResidentLink

__all__ = ["SqlLinkStore"]

_t = resident_links
KEPT_AFTER_EXPIRY = dt.timedelta(days=30)  # a used or expired link still says why it fails


class SqlLinkStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, link: ResidentLink) -> bool:
        try:
            with self._engine.begin() as connection:
                if connection.execute(select(_t.c.id).where(_t.c.id == link.id)).first():
                    return False
                connection.execute(delete(_t).where(
                    _t.c.expires_at < link.created_at - KEPT_AFTER_EXPIRY))
                connection.execute(insert(_t).values(
                    id=link.id, purpose=link.purpose.value, identity_id=link.identity_id,
                    message_id=link.message_id, code_digest=link.code_digest,
                    attempts=link.attempts, created_at=link.created_at,
                    expires_at=link.expires_at, used_at=link.used_at))
        except IntegrityError:  # made at the same moment by another sender: the same link
            return False
        return True

    def get(self, link_id: str) -> ResidentLink | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(_t).where(_t.c.id == link_id)).first()
        if row is None:
            return None
        return ResidentLink(id=row.id, purpose=LinkPurpose(row.purpose),
                            identity_id=row.identity_id, message_id=row.message_id,
                            code_digest=row.code_digest, attempts=row.attempts,
                            created_at=row.created_at, expires_at=row.expires_at,
                            used_at=row.used_at)

    def use(self, link_id: str, *, at: dt.datetime) -> bool:
        with self._engine.begin() as connection:
            result = connection.execute(update(_t).where(
                _t.c.id == link_id, _t.c.used_at.is_(None)).values(used_at=at))
        return result.rowcount == 1

    def count_attempt(self, link_id: str) -> int:
        with self._engine.begin() as connection:
            connection.execute(update(_t).where(_t.c.id == link_id)
                               .values(attempts=_t.c.attempts + 1))
            found = connection.execute(select(_t.c.attempts).where(_t.c.id == link_id)).first()
        return 0 if found is None else int(found[0])
