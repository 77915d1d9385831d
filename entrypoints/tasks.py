"""The task registry: every kind of long work the queue can run, by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from adapters.csv_io import CsvFile
from application.demo.seeding_demo_town import SeedDemoTown, seed_demo_town
from application.ports.clock import Clock, IdGenerator
from application.ports.matching import MatchKeyer
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.residents.importing_registry import ImportRegistry, import_registry
from application.residents.registry_rows import COLUMNS, REQUIRED
from application.tasks import Progress, TaskRegistry

__all__ = ["IMPORT_REGISTRY", "IMPORT_REGISTRY_UPLOAD", "SEED_DEMO_TOWN", "build_task_registry"]

SEED_DEMO_TOWN = "seed_demo_town"
IMPORT_REGISTRY = "import_registry"
IMPORT_REGISTRY_UPLOAD = "import_registry_upload"  # a staff upload: the file is removed after


def build_task_registry(*, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
                        clock: Clock, hasher: PasswordHasher,
                        keyer: MatchKeyer) -> TaskRegistry:
    registry = TaskRegistry()

    def seeding(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
        command = SeedDemoTown(households=int(payload.get("households", 200)),
                               staff_password=payload.get("staff_password", "madoguchi-demo"))
        return seed_demo_town(command, uow_factory=uow_factory, ids=ids, clock=clock,
                              hasher=hasher, keyer=keyer, progress=progress)

    def importing(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
        command = ImportRegistry(mode=payload.get("mode", "all_or_nothing"),
                                 full_extract=bool(payload.get("full_extract", True)))
        report = import_registry(
            command, rows=CsvFile(payload["path"], columns=COLUMNS, required=REQUIRED),
            uow_factory=uow_factory, ids=ids, clock=clock, keyer=keyer, progress=progress)
        return report.to_json()

    def importing_upload(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
        try:
            return importing(payload, progress)
        finally:
            Path(payload["path"]).unlink(missing_ok=True)

    registry.register(SEED_DEMO_TOWN, seeding)
    registry.register(IMPORT_REGISTRY, importing)
    registry.register(IMPORT_REGISTRY_UPLOAD, importing_upload)
    return registry
