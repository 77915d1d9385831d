"""Import the resident registry extract (住民基本台帳): upsert persons, rebuild households.

Two passes over the rows (`rows` is called twice and streams; nothing of the file is kept but
resident numbers and a few numbers per household):

1. Validate every row (`registry_rows.parse_row`) and the file as a whole (`RegistryFileCheck`).
   With errors and `all_or_nothing`, return the report and write nothing. With `valid_rows`, a
   household is written whole or not at all: every row of a household with an error is skipped
   (its persons stay as they were), the rest is imported.
2. Write in batches, one unit of work each: upsert persons by resident number (a changed address
   asks a verified resident to verify again), and rebuild each household once all its 住民 rows
   are written (create it, set the head, add and remove members; a person who moved to another
   household, moved out or died leaves the old one). Then, for a full extract, mark the persons
   the file no longer lists as removed (`leave_registry`), never deleting them.

Idempotent: the same file again changes nothing. Each batch commits on its own, so a crash in
pass 2 leaves the batches before it written; importing the file again completes the work.
Logs carry counts only, never a cell of the file.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from attrs import field, frozen

from application.dates import in_japan
from application.jobs.catalog import Progress
from application.ports.clock import Clock, IdGenerator
from application.ports.matching import MatchKeyer
from application.ports.unit_of_work import UnitOfWork
from application.residents.profiles import profile_of
from application.residents.registry_rows import (
    HEAD,
    RegistryFileCheck,
    RegistryRow,
    RowError,
    parse_row,
)
from domain.errors import DomainError, InvalidValue
from domain.households import Household
from domain.residents import RegistryStatus, Resident

__all__ = ["ImportRegistry", "RegistryImportReport", "import_registry"]

log = logging.getLogger(__name__)

Rows = Callable[[], Iterable[tuple[int, Mapping[str, Any]]]]


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
                    batch_size: int = 1000, max_errors: int = 1000) -> RegistryImportReport:
    now = clock.now()
    today = in_japan(now).date()
    check = RegistryFileCheck()
    row_errors: list[RowError] = []
    error_count = rows_read = 0
    try:
        for row, cells in rows():
            rows_read += 1
            parsed = parse_row(row, cells, today=today)
            if not isinstance(parsed, RegistryRow):
                error_count += len(parsed)
                if len(row_errors) < max_errors:
                    row_errors.extend(parsed)
            check.add(row, cells, parsed)
    except DomainError as error:  # the file as a whole cannot be read (encoding, header)
        log.info("registry import refused: %s", error.code)
        return RegistryImportReport(rows_read=rows_read, valid=0, written=False,
                                    errors=(RowError(None, None, error.message),),
                                    error_count=1)
    if rows_read == 0:
        return RegistryImportReport(rows_read=0, valid=0, written=False, error_count=1,
                                    errors=(RowError(None, None, "ファイルに住民の行がありません"
                                                     "（見出しの行だけです）。"),))
    file_errors = check.finish()
    error_count += len(file_errors)
    errors = tuple(sorted([*row_errors, *file_errors], key=lambda e: e.row or 0)[:max_errors])
    valid = check.rows_to_write
    log.info("registry import checked: %d rows, %d errors, %d to write",
             rows_read, error_count, valid)
    if error_count and command.mode == "all_or_nothing":
        return RegistryImportReport(rows_read=rows_read, valid=valid, errors=errors,
                                    error_count=error_count, written=False)

    writer = _Writer(check, uow_factory=uow_factory, ids=ids, now=now, keyer=keyer)
    batch: list[RegistryRow] = []
    done = 0
    for row, cells in rows():
        parsed = parse_row(row, cells, today=today)
        if isinstance(parsed, RegistryRow) and check.writable(parsed):
            batch.append(parsed)
        if len(batch) >= batch_size:
            done += writer.write(batch)
            batch = []
            if progress is not None:
                progress(done, valid)
    if batch:
        done += writer.write(batch)
        if progress is not None:
            progress(done, valid)
    writer.finish()

    notes = list(writer.notes)
    removed = 0
    if command.full_extract:
        removed = _remove_unlisted(command, check, uow_factory, notes, batch_size)
    report = RegistryImportReport(
        rows_read=rows_read, valid=valid, errors=errors, error_count=error_count, written=True,
        created=writer.created, updated=writer.updated, unchanged=writer.unchanged,
        removed=removed, households_created=len(writer.households_created),
        households_updated=len(writer.households_updated - writer.households_created),
        notes=tuple(notes))
    log.info("registry import written: %d created, %d updated, %d unchanged, %d removed",
             report.created, report.updated, report.unchanged, report.removed)
    return report


class _Writer:
    """Pass two: persons batch by batch; a household once all its 住民 rows are in."""

    def __init__(self, check: RegistryFileCheck, *, uow_factory: Callable[[], UnitOfWork],
                 ids: IdGenerator, now: dt.datetime, keyer: MatchKeyer) -> None:
        self.check, self.uow_factory, self.ids, self.now, self.keyer = (
            check, uow_factory, ids, now, keyer)
        self.created = self.updated = self.unchanged = 0
        self.households_created: set[str] = set()
        self.households_updated: set[str] = set()
        self.left_with_head: set[str] = set()  # households whose head left, not in the file
        # household number → (resident id, relationship, is head) of its 住民 rows written so far
        self.pending: dict[str, list[tuple[str, str, bool]]] = {}
        self.notes: list[str] = []

    def write(self, batch: Sequence[RegistryRow]) -> int:
        ready: list[str] = []
        leaving: dict[str, list[str]] = {}  # household not rebuilt → resident ids that left it
        written: list[Resident] = []
        with self.uow_factory() as uow:
            existing = uow.residents.by_numbers([row.resident_number for row in batch])
            for row in batch:
                resident = existing.get(row.resident_number)
                if resident is None:
                    resident = self._create(uow, row)
                else:
                    self._update(resident, row, leaving)
                written.append(resident)
                if row.status is RegistryStatus.RESIDENT:
                    members = self.pending.setdefault(row.household_number, [])
                    members.append((resident.id, row.relationship, row.is_head))
                    if len(members) == self.check.members_expected(row.household_number):
                        ready.append(row.household_number)
            households = self._households(uow, ready, leaving)
            _write_profiles(uow, written, households)
            uow.commit()
        return len(batch)

    def _create(self, uow: UnitOfWork, row: RegistryRow) -> Resident:
        resident = Resident.from_registry(
            id=self.ids.new_id(), resident_number=row.resident_number,
            household_number=row.household_number, facts=row.facts, status=row.status,
            at=self.now, match_keys=self.keyer.keys_for(row.facts))
        uow.residents.add(resident)
        self.created += 1
        return resident

    def _update(self, resident: Resident, row: RegistryRow,
                leaving: dict[str, list[str]]) -> None:
        old_household = resident.household_number
        if resident.update_from_registry(household_number=row.household_number, facts=row.facts,
                                         status=row.status,
                                         match_keys=self.keyer.keys_for(row.facts)):
            self.updated += 1
        else:
            self.unchanged += 1
        left = old_household != row.household_number or row.status is not RegistryStatus.RESIDENT
        if old_household and left and not self.check.rebuilds(old_household):
            leaving.setdefault(old_household, []).append(resident.id)

    def _households(self, uow: UnitOfWork, ready: Sequence[str],
                    leaving: Mapping[str, Sequence[str]]) -> list[str]:
        """Returns the ids of the households it wrote (their members' profiles follow)."""
        if not ready and not leaving:
            return []
        households = uow.households.by_numbers([*ready, *leaving])
        touched: list[str] = []
        for number in ready:
            members = self.pending.pop(number)
            household = households.get(number)
            if household is None:
                head = next(resident_id for resident_id, _, is_head in members if is_head)
                household = Household.found(id=self.ids.new_id(), household_number=number,
                                            head_resident_id=head)
                for resident_id, relationship, is_head in members:
                    if not is_head:
                        household.add_member(resident_id, relationship)
                uow.households.add(household)
                self.households_created.add(number)
            elif _rebuild(household, members):
                self.households_updated.add(number)
            touched.append(household.id)
        for number, resident_ids in leaving.items():
            household = households.get(number)
            for resident_id in resident_ids:
                if household is None or resident_id not in household.member_ids:
                    continue
                if resident_id == household.head_resident_id:
                    self.left_with_head.add(number)
                else:
                    household.remove_member(resident_id)
                    self.households_updated.add(number)
                    touched.append(household.id)
        return touched

    def finish(self) -> None:
        if self.pending:  # cannot happen: pass one counted every household's 住民 rows
            raise RuntimeError(f"{len(self.pending)} households were not completed")
        if self.left_with_head:
            self.notes.append(
                f"{len(self.left_with_head):,}世帯は世帯主が転出・死亡・別の世帯への移動で"
                "世帯を離れましたが、ファイルにその世帯の住民がいないため、"
                "世帯の記録はそのままにしています（確認してください）。")


def _write_profiles(uow: UnitOfWork, written: Sequence[Resident],
                    household_ids: Sequence[str]) -> None:
    """Segments' attributes of the batch's residents and of the households it changed, in the
    batch's transaction (ADR 0056)."""
    uow.resident_profiles.save([profile for resident in written
                                if (profile := profile_of(resident)) is not None])
    uow.resident_profiles.refresh_households(resident_ids=[r.id for r in written],
                                             household_ids=household_ids)


def _rebuild(household: Household, members: Sequence[tuple[str, str, bool]]) -> bool:
    """Make the household what the file says; returns whether anything changed."""
    changed = False
    head = next(resident_id for resident_id, _, is_head in members if is_head)
    if head not in household.member_ids:
        household.add_member(head, HEAD)
        changed = True
    if household.head_resident_id != head:
        household.change_head(head)
        changed = True
    wanted = {resident_id: relationship for resident_id, relationship, _ in members}
    current = {member.resident_id: member.relationship for member in household.members}
    for resident_id, relationship in wanted.items():
        if resident_id == head or current.get(resident_id) == relationship:
            continue
        if resident_id in current:  # the relationship changed: 子 → 子の妻, old head → 妻
            household.remove_member(resident_id)
        household.add_member(resident_id, relationship)
        changed = True
    for resident_id in current.keys() - wanted.keys():
        household.remove_member(resident_id)
        changed = True
    return changed


def _remove_unlisted(command: ImportRegistry, check: RegistryFileCheck,
                     uow_factory: Callable[[], UnitOfWork], notes: list[str],
                     batch_size: int) -> int:
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
            left: list[str] = []
            for resident in uow.residents.by_numbers(missing[start:start + batch_size]).values():
                if resident.registry_status is not RegistryStatus.REMOVED:
                    resident.leave_registry()
                    left.append(resident.id)
            removed += len(left)
            # their households' sizes no longer count them (segments, ADR 0056)
            uow.resident_profiles.refresh_households(resident_ids=left, household_ids=())
            uow.commit()
    return removed
