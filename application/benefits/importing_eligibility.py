"""Import a program's eligibility list (支給対象者リスト): households by household number
(世帯番号) or by a member's resident number (宛名番号), from a CSV that town systems or Excel
wrote.

Two passes over the rows (`rows` streams and is called twice):
1. Read every row: a row needs one of the two numbers, in the registry's format. A file with
   errors writes nothing (`all_or_nothing`) or only its valid rows (`valid_rows`).
2. In batches, one unit of work each: find the households; numbers the registry does not know
   are reported (with their rows) and skipped; households already on the list are left as they
   are, so the same file again changes nothing.
The report gives the split staff act on: reachable by LINE, postal, and unknown numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from attrs import field, frozen

from application.benefits.reach import Reach, split
from application.jobs.catalog import Progress
from application.messaging.telling import ContactPolicy
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from application.residents.registry_rows import RowError
from domain.benefits import ProgramStatus
from domain.eligibility import EligibleHousehold
from domain.errors import IllegalTransition, InvalidValue, NotFound

__all__ = ["COLUMNS", "EligibilityImportReport", "ImportEligibility", "import_eligibility"]

COLUMNS: dict[str, tuple[str, ...]] = {
    "household_number": ("世帯番号", "household_number", "household_no"),
    "resident_number": ("宛名番号", "住民番号", "個人番号（宛名）", "resident_number",
                        "resident_no"),
}
_NUMBER = re.compile(r"[0-9A-Za-z]{1,20}")
BATCH = 1000
MAX_LISTED = 200  # errors listed in the report; the rest are counted
MAX_UNKNOWN_LISTED = 5000  # unknown numbers listed (staff look each one up); the rest counted

Rows = Callable[[], Iterable[tuple[int, Mapping[str, Any]]]]


@frozen
class ImportEligibility:
    program_id: str
    mode: Literal["all_or_nothing", "valid_rows"] = field(default="all_or_nothing")

    @mode.validator
    def _check_mode(self, _attribute: object, value: str) -> None:
        if value not in ("all_or_nothing", "valid_rows"):
            raise InvalidValue("取り込み方法は all_or_nothing か valid_rows です。")


@frozen
class _Wanted:
    row: int
    household_number: str | None
    resident_number: str | None


@frozen
class EligibilityImportReport:
    rows_read: int
    valid: int
    errors: tuple[RowError, ...]
    error_count: int
    written: bool
    added: int = 0
    already: int = 0  # on the list before (or twice in the file)
    unknown: tuple[RowError, ...] = ()  # numbers the registry does not know, by row
    unknown_count: int = 0
    reach: Reach | None = None

    def summary(self) -> str:
        if not self.written:
            unknown = (f"住民基本台帳にない番号も{self.unknown_count}件あります。"
                       if self.unknown_count else "")
            return (f"{self.rows_read}行を確認しました。誤りが{self.error_count}件あるため、"
                    f"何も取り込んでいません。{unknown}直してからもう一度取り込んでください。")
        text = (f"{self.rows_read}行を確認し、{self.added}世帯を対象に加えました"
                f"（登録済み{self.already}世帯、不明な番号{self.unknown_count}件、"
                f"誤り{self.error_count}件）。")
        if self.reach is not None:
            text += (f" 対象{self.reach.eligible}世帯のうち、LINE・SMS・メールで通知できるのは"
                     f"{self.reach.reachable}世帯、郵送は{self.reach.postal}世帯です。")
        return text

    def to_json(self) -> dict[str, Any]:
        def listed(items: Sequence[RowError]) -> list[dict[str, Any]]:
            return [{"row": e.row, "column": e.column, "message": str(e)} for e in items]

        return {
            "summary": self.summary(), "rows_read": self.rows_read, "valid": self.valid,
            "written": self.written, "added": self.added, "already": self.already,
            "errors": listed(self.errors), "error_count": self.error_count,
            "unknown": listed(self.unknown), "unknown_count": self.unknown_count,
            "reach": self.reach.to_json() if self.reach else None,
        }


def _read(row: int, cells: Mapping[str, Any]) -> _Wanted | RowError:
    # Read as the registry import reads them (NFKC): "Ｈ０００１" typed in Excel is H0001.
    household = unicodedata.normalize("NFKC", str(cells.get("household_number") or "")).strip()
    resident = unicodedata.normalize("NFKC", str(cells.get("resident_number") or "")).strip()
    if not household and not resident:
        return RowError(row, None, "世帯番号か宛名番号のどちらかを入力してください。")
    for value, column in ((household, "世帯番号"), (resident, "宛名番号")):
        if value and not _NUMBER.fullmatch(value):
            return RowError(row, column, "半角英数字20文字以内で入力してください。")
    return _Wanted(row, household or None, resident or None)


def import_eligibility(command: ImportEligibility, *, rows: Rows,
                       uow_factory: Callable[[], UnitOfWork], ids: IdGenerator, clock: Clock,
                       policy: ContactPolicy,
                       progress: Progress | None = None) -> EligibilityImportReport:
    with uow_factory() as uow:
        program = uow.programs.get(command.program_id)
        if program is None:
            raise NotFound("給付金が見つかりません。")
        if program.status is ProgramStatus.WITHDRAWN:
            raise IllegalTransition(f"「{program.name}」は取り下げられたため、対象者を"
                                    "取り込めません。")
    errors: list[RowError] = []
    error_count = rows_read = valid = 0
    for row, cells in rows():
        rows_read += 1
        parsed = _read(row, cells)
        if isinstance(parsed, RowError):
            error_count += 1
            if len(errors) < MAX_LISTED:
                errors.append(parsed)
        else:
            valid += 1
    refused = bool(error_count) and command.mode == "all_or_nothing"
    writer = _Writer(command.program_id, uow_factory=uow_factory, ids=ids, now=clock.now(),
                     dry=refused)
    batch: list[_Wanted] = []
    done = 0
    for row, cells in rows():
        parsed = _read(row, cells)
        if isinstance(parsed, _Wanted):
            batch.append(parsed)
        if len(batch) >= BATCH:
            writer.write(batch)
            done += len(batch)
            batch = []
            if progress:
                progress(done, valid)
    if batch:
        writer.write(batch)
        if progress:
            progress(valid, valid)
    if refused:  # checked through: every unknown number is listed with the errors
        return EligibilityImportReport(rows_read, valid, tuple(errors), error_count,
                                       written=False, unknown=tuple(writer.unknown),
                                       unknown_count=writer.unknown_count)
    return EligibilityImportReport(
        rows_read, valid, tuple(errors), error_count, written=True, added=writer.added,
        already=writer.already, unknown=tuple(writer.unknown),
        unknown_count=writer.unknown_count,
        reach=split(command.program_id, uow=uow_factory(), policy=policy))


class _Writer:
    """Finds each batch's households and adds those not on the list yet; `dry`: only finds
    them (a refused file's check still lists the numbers the registry does not know)."""

    def __init__(self, program_id: str, *, uow_factory: Callable[[], UnitOfWork],
                 ids: IdGenerator, now: dt.datetime, dry: bool = False) -> None:
        self.program_id, self.uow_factory, self.ids, self.now = program_id, uow_factory, ids, now
        self.dry = dry
        self.added = self.already = self.unknown_count = 0
        self.unknown: list[RowError] = []

    def write(self, batch: Sequence[_Wanted]) -> None:
        with self.uow_factory() as uow:
            by_number = uow.households.ids_by_numbers(
                sorted({w.household_number for w in batch if w.household_number}))
            of_residents = uow.residents.household_numbers(
                sorted({w.resident_number for w in batch if w.resident_number}))
            by_number.update(uow.households.ids_by_numbers(
                sorted(set(of_residents.values()) - by_number.keys())))
            found: dict[str, int] = {}  # household id → first row
            for wanted in batch:
                number = wanted.household_number or of_residents.get(wanted.resident_number or "")
                household_id = by_number.get(number or "")
                if household_id is None:
                    self._unknown(wanted)
                elif household_id in found:
                    self.already += 1
                else:
                    found[household_id] = wanted.row
            if self.dry:
                return
            existing = uow.eligibility.existing_among(self.program_id, sorted(found))
            self.already += len(existing)
            for household_id, row in found.items():
                if household_id not in existing:
                    uow.eligibility.add(EligibleHousehold(
                        id=self.ids.new_id(), program_id=self.program_id,
                        household_id=household_id, added_at=self.now, source_row=row))
                    self.added += 1
            uow.commit()

    def _unknown(self, wanted: _Wanted) -> None:
        self.unknown_count += 1
        if len(self.unknown) < MAX_UNKNOWN_LISTED:
            column, what = (("世帯番号", "世帯番号") if wanted.household_number
                            else ("宛名番号", "宛名番号"))
            outcome = "" if self.dry else "（取り込みませんでした）"
            self.unknown.append(RowError(wanted.row, column,
                                         f"住民基本台帳にない{what}です{outcome}。"))
