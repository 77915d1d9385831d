"""An administrator (or the operator at the server) exports everything the town owns —
residents, households, verifications, programs, applications, payments, certificate requests,
conversations and messages, staff, API keys and the audit log — decrypted, as documented files
(docs/export.md), so the town can leave for another system.

Personal data of every resident at once: the export is audited before a byte is written. The
rows are read in one consistent state of the database (`hold_snapshot`), counted first, and the
counts per file go into the audit record, committed in its own short transaction while the
reading one stays open; the archive then checks that each file has the rows counted (the
manifest carries the same numbers). The audit log in the export ends just before the export's
own record (it was read in the state before it). Rows stream in chunks: a town of a million
residents takes no more memory than one of ten."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.archives import TownArchive
from application.ports.clock import Clock
from application.ports.queries import TownCell, TownFile
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission

__all__ = ["ExportTown", "TownExported", "export_town"]

_CHUNK = 1000


@frozen
class ExportTown:
    actor: Actor
    town: str = ""  # the town's code or name, as the audit record's target


@frozen
class TownExported:
    rows: Mapping[str, int]  # file name → rows written

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def export_town(command: ExportTown, *, uow_factory: Callable[[], UnitOfWork], clock: Clock,
                archive: TownArchive) -> TownExported:
    actor = command.actor
    actor.ensure(Permission.ADMINISTER, "町のデータを書き出し")
    with uow_factory() as reading:
        town = reading.queries.town
        town.hold_snapshot()
        files = tuple(town.files())
        counts = {file.name: town.count(file.name) for file in files}
        now = clock.now()
        with uow_factory() as auditing:
            record(auditing, actor, "town.export", "town", command.town, at=now,
                   files=len(files), rows=sum(counts.values()), **counts)
            auditing.commit()

        def rows(file: TownFile) -> Iterator[tuple[TownCell, ...]]:
            return town.rows(file.name, chunk=file.chunk or _CHUNK)

        written = archive.write(files, rows, expected=counts, created_at=now)
    return TownExported(rows=dict(written))
