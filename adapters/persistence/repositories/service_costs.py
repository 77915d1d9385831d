"""The service's costs staff enter (the report's cost per transaction, ADR 0060)."""

from __future__ import annotations

from sqlalchemy import select

from adapters.persistence.repositories.base import SqlRepository
from domain.service_costs import ServiceCost

__all__ = ["SqlServiceCostRepository"]


class SqlServiceCostRepository(SqlRepository):
    model = ServiceCost

    def all(self) -> list[ServiceCost]:
        found = list(self.session.scalars(select(ServiceCost).order_by("period")))
        self.tracked.update(found)
        return found
