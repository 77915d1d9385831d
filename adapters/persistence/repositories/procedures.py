"""The repository of procedures staff build and their published versions (ADR 0055)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from adapters.persistence.errors import constraint_name, is_unique_violation
from adapters.persistence.orm.procedures import built_procedures, procedure_versions
from adapters.persistence.repositories.base import SqlRepository
from application.ports.unit_of_work import DuplicateError
from domain.built_procedures import BuiltProcedure, ProcedureVersion

__all__ = ["SqlBuiltProcedureRepository", "version_of_row"]


class SqlBuiltProcedureRepository(SqlRepository):
    model = BuiltProcedure

    def all(self) -> list[BuiltProcedure]:
        found = list(self.session.scalars(select(BuiltProcedure).order_by(BuiltProcedure.id)))
        self.tracked.update(found)
        return found

    def add_version(self, version: ProcedureVersion) -> None:
        """A version is written once: a second one of the same number (two staff publishing
        at once) is refused by the key."""
        try:
            with self.session.begin_nested():
                self.session.execute(insert(procedure_versions).values(
                    procedure_id=version.procedure_id, number=version.number,
                    template=json.dumps(version.template, ensure_ascii=False),
                    published_at=version.published_at, published_by=version.published_by))
        except IntegrityError as error:
            if is_unique_violation(error):
                raise DuplicateError(constraint_name(error) or "procedure_versions") from error
            raise

    def set_trial(self, procedure_id: str, code: str, expires_at: dt.datetime) -> bool:
        changed = self.session.execute(
            update(built_procedures).where(built_procedures.c.id == procedure_id)
            .values(trial_code=code, trial_expires_at=expires_at))
        return bool(changed.rowcount)  # type: ignore[attr-defined]

    def versions_of(self, procedure_id: str) -> list[ProcedureVersion]:
        """Newest first."""
        rows = self.session.execute(select(procedure_versions)
                                    .where(procedure_versions.c.procedure_id == procedure_id)
                                    .order_by(procedure_versions.c.number.desc()))
        return [version_of_row(row) for row in rows.mappings()]

    def version(self, procedure_id: str, number: int) -> ProcedureVersion | None:
        row = self.session.execute(select(procedure_versions).where(
            procedure_versions.c.procedure_id == procedure_id,
            procedure_versions.c.number == number)).mappings().first()
        return version_of_row(row) if row is not None else None


def version_of_row(row: dict) -> ProcedureVersion:  # type: ignore[type-arg]
    return ProcedureVersion(procedure_id=row["procedure_id"], number=row["number"],
                            template=json.loads(row["template"]),
                            published_at=row["published_at"], published_by=row["published_by"])
