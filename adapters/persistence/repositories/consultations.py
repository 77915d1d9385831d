"""Repositories of consultations (相談) and departments' opening hours for them."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from adapters.persistence.repositories.base import SqlRepository
from domain.consultations import Consultation, ConsultationStatus, DepartmentHours

__all__ = ["SqlConsultationRepository", "SqlDepartmentHoursRepository"]


class SqlConsultationRepository(SqlRepository):
    model = Consultation

    def with_status(self, status: ConsultationStatus,
                    department_ids: Collection[str] | None) -> list[Consultation]:
        criteria = [Consultation.status == status]
        if department_ids is not None:
            criteria.append(Consultation.department_id.in_(sorted(department_ids)))
        found = list(self.session.scalars(select(Consultation).where(*criteria).order_by(
            Consultation.requested_at, Consultation.id)))
        self.tracked.update(found)
        return found


class SqlDepartmentHoursRepository(SqlRepository):
    model = DepartmentHours
