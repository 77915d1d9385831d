"""The procedures staff built, as the chat reads them (ADR 0055): each read is one short query
on its own connection (the catalogue keeps each published version, which never changes, once
it has read it)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Engine, select

from adapters.persistence.orm.procedures import built_procedures, procedure_versions
from application.ports.procedure_store import PublishedProcedure
from domain.built_procedures import MAX_MENU_LABEL

__all__ = ["SqlProcedureStore"]

_p, _v = built_procedures.c, procedure_versions.c


class SqlProcedureStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def newest(self, procedure_id: str) -> PublishedProcedure | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(built_procedures).where(
                _p.id == procedure_id, _p.published_version.is_not(None),
                _p.withdrawn.is_(False))).mappings().first()
        return None if row is None else self._published(row)

    def in_menu(self) -> list[PublishedProcedure]:
        with self._engine.connect() as connection:
            rows = list(connection.execute(select(built_procedures).where(
                _p.published_version.is_not(None), _p.withdrawn.is_(False),
                _p.menu_order.is_not(None)).order_by(_p.menu_order, _p.id)).mappings())
        return [self._published(row) for row in rows]

    def template(self, procedure_id: str, version: int) -> dict[str, Any] | None:
        if version == 0:  # the draft: read afresh every time
            with self._engine.connect() as connection:
                draft = connection.scalar(select(_p.draft).where(_p.id == procedure_id))
            return dict(draft) if draft is not None else None
        with self._engine.connect() as connection:
            text = connection.scalar(select(_v.template).where(
                _v.procedure_id == procedure_id, _v.number == version))
        return json.loads(text) if text is not None else None

    def trial(self, code: str, now: dt.datetime) -> str | None:
        with self._engine.connect() as connection:
            found = connection.scalar(select(_p.id).where(_p.trial_code == code,
                                                          _p.trial_expires_at > now))
        return str(found) if found is not None else None

    @staticmethod
    def _published(row: Any) -> PublishedProcedure:
        return PublishedProcedure(procedure_id=row["id"], version=int(row["published_version"]),
                                  channels=tuple(row["channels"] or ()),
                                  label=row["menu_label"] or row["title"][:MAX_MENU_LABEL],
                                  menu_order=row["menu_order"])
