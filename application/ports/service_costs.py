"""The repository port of the service's costs staff enter for the cost per transaction."""

from __future__ import annotations

from typing import Protocol

from domain.service_costs import ServiceCost

__all__ = ["ServiceCostRepository"]


class ServiceCostRepository(Protocol):
    def add(self, cost: ServiceCost) -> None: ...
    def get(self, period: str) -> ServiceCost | None: ...
    def all(self) -> list[ServiceCost]:
        """Oldest period first."""
        ...
