"""The task registry: every kind of long work the queue can run, by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.demo.seeding_demo_town import SeedDemoTown, seed_demo_town
from application.ports.clock import Clock, IdGenerator
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.tasks import Progress, TaskRegistry

__all__ = ["SEED_DEMO_TOWN", "build_task_registry"]

SEED_DEMO_TOWN = "seed_demo_town"


def build_task_registry(*, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
                        clock: Clock, hasher: PasswordHasher) -> TaskRegistry:
    registry = TaskRegistry()

    def seeding(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
        command = SeedDemoTown(households=int(payload.get("households", 200)),
                               staff_password=payload.get("staff_password", "madoguchi-demo"))
        return seed_demo_town(command, uow_factory=uow_factory, ids=ids, clock=clock,
                              hasher=hasher, progress=progress)

    registry.register(SEED_DEMO_TOWN, seeding)
    return registry
