"""Import the resident registry extract (住民基本台帳): upsert persons, rebuild households.

Two passes, on the bulk path (ADR 0063); the file is read once (`rows` streams it), each row
parsed once and prepared for writing in the same pass (ADR 0084). The prepared rows wait in a
spool (`spools`: on a sealed temporary file for a town's extract); this process keeps only
resident numbers and a few numbers per household.

1. Validate every row (`registry_rows.parse_row`) and the file as a whole (`RegistryFileCheck`)
   before writing anything, preparing the valid rows meanwhile (match keys, encryption,
   profile: `registry_preparing.read_chunk`; with `all_or_nothing`, no longer once a row is
   wrong). With errors and `all_or_nothing`, return the report and write nothing. With
   `valid_rows`, a household is written whole or not at all: every row of a household with an
   error is skipped (its persons stay as they were), the rest is imported.
2. Write what pass 1 prepared in batches, one transaction each (`RegistryWriter`): persons
   upserted by resident number with their match keys and profiles, one statement a batch (a
   changed address asks a verified resident to verify again); then the households, rebuilt
   from the file in batches (a person who moved to another household, moved out or died
   leaves the old one). Then, for a full extract, the persons the file no longer lists are
   marked removed, never deleted.

Idempotent: the same file again changes nothing (unchanged persons and households are not
written). Each batch commits on its own (the job's progress and lease are written between
them), so a crash in pass 2 leaves the batches before it written; importing the file again
completes the work. Logs carry counts only, never a cell of the file.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal

from attrs import field, frozen

from application.collector import collect_young, collector_paused
from application.dates import in_japan
from application.jobs.catalog import Progress
from application.ports.chunk_workers import ChunkWorkers
from application.ports.clock import Clock, IdGenerator
from application.ports.matching import MatchKeyer
from application.ports.row_spool import MemorySpool, RowSpool
from application.ports.unit_of_work import UnitOfWork
from application.residents.registry_file import RegistryFileCheck
from application.residents.registry_preparing import PreparedRow, chunked, read_chunk
from application.residents.registry_rows import RowError, Seen
from application.residents.registry_writing import RegistryWriter
from domain.errors import DomainError, InvalidValue

__all__ = ["ImportRegistry", "RegistryImportReport", "import_registry"]

log = logging.getLogger(__name__)

Row = tuple[int, Mapping[str, Any]]
Rows = Callable[[], Iterable[Row]]
# rows a transaction writes; the persons' indexes take keys in no order, so a bigger batch
# writes each index page fewer times (ADR 0080)
BATCH_ROWS = 20_000


@frozen
class ImportRegistry:
    """`all_or_nothing`: a file with any error writes nothing. `valid_rows`: import the
    households without errors. `full_extract`: the file lists everyone, so a person it does not
    list has left the registry; as a guard against a partial file sent as full, nothing is
    removed when more than `max_removed_share` of the listed persons would be (None: no limit)."""

    mode: Literal["all_or_nothing", "valid_rows"] = field(default="all_or_nothing")
    full_extract: bool = True
    max_removed_share: float | None = 0.2

    @mode.validator
    def _check_mode(self, _attribute: object, value: str) -> None:
        if value not in ("all_or_nothing", "valid_rows"):
            raise InvalidValue("取り込み方法は「誤りがあれば何も取り込まない」"
                               "（all_or_nothing）か「正しい行だけ取り込む」（valid_rows）です。")


@frozen
class RegistryImportReport:
    rows_read: int
    valid: int  # rows without errors in households without errors: what is (or would be) written
    errors: tuple[RowError, ...]  # the first ones, in row order
    error_count: int
    written: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    households_created: int = 0
    households_updated: int = 0
    notes: tuple[str, ...] = field(default=())  # what staff should know, in Japanese

    @property
    def skipped(self) -> int:
        return self.rows_read - self.valid if self.written else self.rows_read

    def to_json(self) -> dict[str, Any]:
        """What a job keeps as its result (the report staff read, errors row by row)."""
        return {
            "summary": self.summary(), "written": self.written, "rows_read": self.rows_read,
            "valid": self.valid, "error_count": self.error_count, "created": self.created,
            "updated": self.updated, "unchanged": self.unchanged, "removed": self.removed,
            "households_created": self.households_created,
            "households_updated": self.households_updated, "notes": list(self.notes),
            "errors": [{"row": e.row, "column": e.column, "message": str(e)}
                       for e in self.errors],
        }

    def summary(self) -> str:
        if not self.written:
            if self.errors and self.errors[0].row is None:
                return (f"ファイルを読み込めませんでした。{self.errors[0].message}"
                        "何も取り込んでいません。")
            return (f"{self.rows_read:,}行を確認し、{self.error_count:,}件の誤りが見つかったため、"
                    "何も取り込んでいません。誤りを直して取り込み直すか、"
                    "「正しい行だけ取り込む」を選んでください。")
        text = (f"{self.rows_read:,}行を読み込み、{self.valid:,}行を取り込みました"
                f"（新規{self.created:,}人・更新{self.updated:,}人・変更なし{self.unchanged:,}人）。"
                f"世帯は新規{self.households_created:,}・更新{self.households_updated:,}です。")
        if self.removed:
            text += (f"ファイルにない{self.removed:,}人を「台帳から削除」にしました"
                     "（記録は残ります）。")
        if self.skipped:
            text += (f"誤り{self.error_count:,}件のある世帯の{self.skipped:,}行は取り込んで"
                     "いません。")
        return text + "".join(self.notes)


def import_registry(command: ImportRegistry, *, rows: Rows,
                    uow_factory: Callable[[], UnitOfWork], ids: IdGenerator, clock: Clock,
                    keyer: MatchKeyer, progress: Progress | None = None,
                    workers: ChunkWorkers | None = None,
                    spools: Callable[[], RowSpool] = MemorySpool, batch_size: int = BATCH_ROWS,
                    max_errors: int = 1000) -> RegistryImportReport:
    """`workers` check, key and seal the rows in chunks (ADR 0080; default: in this process);
    `spools` makes where they wait for pass 2 (ADR 0084; default: in memory). A spool that
    cannot be made or written refuses the import, as a file that cannot be read does."""
    try:
        spooling = spools()
    except DomainError as error:
        log.info("registry import refused: %s", error.code)
        return RegistryImportReport(rows_read=0, valid=0, written=False, error_count=1,
                                    errors=(RowError(None, None, error.message),))
    # its rows, members and households are hundreds of thousands of objects that hold no
    # cycles: the collector walked them again and again (ADR 0086)
    with spooling as spool, collector_paused():
        return _import(command, rows=rows, uow_factory=uow_factory, ids=ids, clock=clock,
                       keyer=keyer, progress=progress, workers=workers, spool=spool,
                       batch_size=batch_size, max_errors=max_errors)


def _import(command: ImportRegistry, *, rows: Rows, uow_factory: Callable[[], UnitOfWork],
            ids: IdGenerator, clock: Clock, keyer: MatchKeyer, progress: Progress | None,
            workers: ChunkWorkers | None, spool: RowSpool, batch_size: int,
            max_errors: int) -> RegistryImportReport:
    now = clock.now()
    today = in_japan(now).date()
    mapped = workers.map if workers is not None else map
    with uow_factory() as uow:
        seal = uow.registry.sealer()
    reading = _Reading(max_errors=max_errors, stop_on_error=command.mode == "all_or_nothing")
    reading_chunk = functools.partial(read_chunk, today=today, keyer=keyer, seal=seal, ids=ids,
                                      pack=spool.packer())
    if (refused := reading.run(rows, mapped, reading_chunk, spool)) is not None:
        return refused
    errors = reading.finish()
    check, rows_read, error_count = reading.check, reading.rows_read, reading.error_count
    valid = check.rows_to_write
    log.info("registry import checked: %d rows, %d errors, %d to write",
             rows_read, error_count, valid)
    if error_count and command.mode == "all_or_nothing":
        return RegistryImportReport(rows_read=rows_read, valid=valid, errors=errors,
                                    error_count=error_count, written=False)

    assert not reading.unprepared, "only a file that is not written has chunks not prepared"
    writer = RegistryWriter(uow_factory, ids=ids, now=now, batch_size=batch_size)
    done = 0

    def alive() -> None:
        """After each batch: its few cycles freed while the collector is paused (ADR 0086),
        and its progress; the households, the indexes and the removals are reported as the
        persons' end (a sign of life)."""
        collect_young()
        if progress is not None:
            progress(done, valid)

    collect_young()  # pass one's
    with _key_indexes(uow_factory, alive):
        batch: list[PreparedRow] = []
        for plain in itertools.chain.from_iterable(spool.chunks()):
            if check.writable(plain[2]):  # its household
                batch.append(PreparedRow(plain))
            if len(batch) >= batch_size:
                done += writer.write(batch)
                batch = []
                alive()
        if batch:
            done += writer.write(batch)
            alive()
        writer.finish(alive)

    notes = list(writer.notes)
    removed = 0
    if command.full_extract:
        removed = _remove_unlisted(command, check, uow_factory, notes, batch_size, alive)
    report = RegistryImportReport(
        rows_read=rows_read, valid=valid, errors=errors, error_count=error_count, written=True,
        created=writer.created, updated=writer.updated, unchanged=writer.unchanged,
        removed=removed, households_created=len(writer.households_created),
        households_updated=len(writer.households_updated - writer.households_created),
        notes=tuple(notes))
    log.info("registry import written: %d created, %d updated, %d unchanged, %d removed",
             report.created, report.updated, report.unchanged, report.removed)
    return report


@contextlib.contextmanager
def _key_indexes(uow_factory: Callable[[], UnitOfWork],
                 alive: Callable[[], None]) -> Iterator[None]:
    """Into a registry with no person yet, the persons are written without their match keys'
    indexes, which are built at the end, however the writing ends (ADR 0085); so is one an
    earlier import was stopped before it built. When the writing failed, a failure to build
    is logged and the writing's error is the one raised."""
    try:
        with uow_factory() as uow:
            if uow.registry.defer_key_indexes():
                log.info("registry import: the match keys' indexes are built after the persons")
            uow.commit()
        yield
    except BaseException:
        try:
            _build_key_indexes(uow_factory, alive)
        except Exception:  # the database that failed the writing may fail this too
            log.exception("registry import: the match keys' indexes were not built "
                          "(the next import or `madoguchi db upgrade` builds them)")
        raise
    _build_key_indexes(uow_factory, alive)


def _build_key_indexes(uow_factory: Callable[[], UnitOfWork],
                       alive: Callable[[], None]) -> None:
    while True:  # one a transaction, a sign of life after each
        with uow_factory() as uow:
            built = uow.registry.build_key_index()
            uow.commit()
        if not built:
            return
        alive()


class _Reading:
    """Pass one: every row parsed and checked with the file as a whole, the errors kept for the
    report (the first `max_errors`), the valid rows prepared into the spool; with
    `stop_on_error`, no more once a row is wrong (the file will not be written)."""

    def __init__(self, *, max_errors: int, stop_on_error: bool) -> None:
        self.max_errors, self.stop_on_error = max_errors, stop_on_error
        self.check = RegistryFileCheck()
        self.row_errors: list[RowError] = []
        self.rows_read = self.error_count = 0
        self.unprepared = 0  # chunks checked only (a wrong row came before them)

    def run(self, rows: Rows, mapped: Callable[..., Iterator[Any]],
            reading: Callable[[tuple[bool, list[Row]]], tuple[list[Seen], list[RowError], Any]],
            spool: RowSpool) -> RegistryImportReport | None:
        """Returns a refusal when the file as a whole cannot be read or has no rows."""
        read = 0

        def counted() -> Iterator[Row]:
            nonlocal read
            for item in rows():
                read += 1
                yield item

        def chunks() -> Iterator[tuple[bool, list[Row]]]:
            # taken a few chunks ahead of the results: preparing stops soon after an error
            for chunk in chunked(counted()):
                prepare = not (self.stop_on_error and self.error_count)
                self.unprepared += not prepare
                yield prepare, chunk

        try:
            for seen, errors, packed in mapped(reading, chunks()):
                if packed is not None:
                    spool.add(packed)
                self.error_count += len(errors)
                self.row_errors.extend(errors[:max(self.max_errors - len(self.row_errors), 0)])
                for entry in seen:
                    self.check.add(entry)
        except DomainError as error:  # the file as a whole cannot be read (encoding, header),
            # or what it prepares cannot be kept (the spool's disk)
            log.info("registry import refused: %s", error.code)
            return RegistryImportReport(rows_read=read, valid=0, written=False,
                                        errors=(RowError(None, None, error.message),),
                                        error_count=1)
        self.rows_read = read
        if self.rows_read == 0:
            return RegistryImportReport(
                rows_read=0, valid=0, written=False, error_count=1,
                errors=(RowError(None, None, "ファイルに住民の行がありません"
                                 "（見出しの行だけです）。"),))
        return None

    def finish(self) -> tuple[RowError, ...]:
        """The errors of the report, rows and file together, in row order."""
        file_errors = self.check.finish()
        self.error_count += len(file_errors)
        return tuple(sorted([*self.row_errors, *file_errors],
                            key=lambda e: e.row or 0)[:self.max_errors])


def _remove_unlisted(command: ImportRegistry, check: RegistryFileCheck,
                     uow_factory: Callable[[], UnitOfWork], notes: list[str],
                     batch_size: int, alive: Callable[[], None]) -> int:
    if check.unidentified:
        notes.append(f"宛名番号を読み取れない行が{check.unidentified:,}行あるため、"
                     "ファイルにない住民を「台帳から削除」にする処理は行っていません。")
        return 0
    seen = check.seen
    with uow_factory() as uow:
        listed = 0
        missing: list[str] = []
        for number in uow.residents.numbers_in_registry():
            listed += 1
            if number not in seen:
                missing.append(number)
    limit = command.max_removed_share
    if limit is not None and len(missing) > max(limit * listed, 10):
        notes.append(f"ファイルにない住民が{len(missing):,}人（台帳の{len(missing) / listed:.0%}）"
                     "いるため、一部だけのファイルの可能性を考えて「台帳から削除」にしていません。"
                     "全件のファイルであることを確かめたうえで、上限を外して取り込み直してください。")
        return 0
    removed = 0
    for start in range(0, len(missing), batch_size):
        with uow_factory() as uow:
            left = uow.registry.remove_from_registry(missing[start:start + batch_size])
            # their households' sizes no longer count them (segments, ADR 0056)
            uow.resident_profiles.refresh_households(resident_ids=left, household_ids=())
            uow.commit()
        removed += len(left)
        alive()
    return removed
