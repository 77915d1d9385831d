"""Import an association's members from its own list (名簿), a CSV with 住民番号 (and, to
check against, 氏名): CP932 or UTF-8, read by `adapters/csv_io.py` (`MEMBER_COLUMNS`).

Every row is checked first; with any error and `all_or_nothing` (the default) nothing is
written and the report says which rows to fix. A 住民番号 the registry does not hold is refused
with its row number. A resident already a member (as themselves, or through a chat account
since linked to them) is kept as they are (not added twice). The name a member is listed
under is the registry's (氏名 in the file is only compared with it). The report names rows,
never a cell's value. Audited with the import."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from attrs import field, frozen

from application.access.actor import Actor
from application.associations.common import association_or_refuse, conflicts_refused
from application.audit.recording import record
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.associations import AssociationMember

__all__ = ["MEMBER_COLUMNS", "ImportMembers", "MemberImportReport", "import_members"]

MEMBER_COLUMNS = {"resident_number": ("住民番号", "宛名番号", "resident_number"),
                  "name": ("氏名", "名前", "name")}
MEMBER_REQUIRED = ("resident_number",)
MAX_ROWS = 5000  # an association's list, not the registry


@frozen
class ImportMembers:
    association_id: str
    rows: Iterable[tuple[int, Mapping[str, Any]]]
    actor: Actor
    mode: Literal["all_or_nothing", "valid_rows"] = "all_or_nothing"


@frozen
class MemberImportReport:
    added: int = 0
    kept: int = 0  # already members: left as they were
    errors: tuple[tuple[int, str], ...] = field(default=(), converter=tuple)
    notes: tuple[tuple[int, str], ...] = field(default=(), converter=tuple)
    written: bool = False

    def lines(self) -> list[str]:
        """The report staff read, in Japanese."""
        head = (f"{self.added}人を追加し、{self.kept}人はすでに会員のため、そのままにしました。"
                if self.written else "取り込みませんでした（何も変更していません）。")
        return [head, *(f"{row}行目: {text}" for row, text in self.errors),
                *(f"{row}行目: {text}" for row, text in self.notes)]


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _residents_present(uow: UnitOfWork, members: Iterable[AssociationMember]) -> set[str]:
    """The residents already members: as themselves, or through a chat account since linked to
    them (joined before being verified) — they are kept, not added a second time."""
    present: set[str] = set()
    for member in members:
        if member.resident_id is not None:
            present.add(member.resident_id)
        elif (identity := uow.channel_identities.get(member.identity_id or "")) is not None \
                and identity.resident_id is not None:
            present.add(identity.resident_id)
    return present


def import_members(command: ImportMembers, *, uow: UnitOfWork, ids: IdGenerator,
                   clock: Clock) -> MemberImportReport:
    command.actor.ensure(Permission.SEND_NOTICES, "自治会・町内会の名簿を取り込むことは")
    now = clock.now()
    errors: list[tuple[int, str]] = []
    notes: list[tuple[int, str]] = []
    with conflicts_refused("取り込みの間に会員が加わりました。何も変更していません。もう一度"
                           "取り込んでください（すでに会員の人はそのままにします）。"), uow:
        association = association_or_refuse(uow, command.association_id)
        present = _residents_present(uow, uow.associations.members(association.id))
        to_add: dict[str, str] = {}  # resident id → the registry's name
        kept = 0
        for count, (row, cells) in enumerate(command.rows, start=1):
            if count > MAX_ROWS:
                errors.append((row, f"{MAX_ROWS}行を超える名簿は取り込めません。"))
                break
            number = unicodedata.normalize("NFKC", str(cells.get("resident_number") or "")).strip()
            if not number:
                errors.append((row, "住民番号が空です。"))
                continue
            resident = uow.residents.get_by_resident_number(number)
            if resident is None or resident.facts is None:
                errors.append((row, "住民番号が住民記録にありません。"))
                continue
            registry_name = resident.facts.name.name
            given = str(cells.get("name") or "")
            if given and _folded(given) != _folded(registry_name):
                notes.append((row, "氏名が住民記録と異なります（住民記録の氏名で登録します）。"))
            if resident.id in present or resident.id in to_add:
                kept += 1
                continue
            to_add[resident.id] = registry_name
        if errors and command.mode == "all_or_nothing":
            return MemberImportReport(kept=kept, errors=errors, notes=notes, written=False)
        for resident_id, name in to_add.items():
            uow.associations.add_member(AssociationMember.from_list(
                id=ids.new_id(), association_id=association.id, resident_id=resident_id,
                name=name, at=now))
        record(uow, command.actor, "association.import_members", "association",
               association.id, at=now, added=len(to_add), kept=kept, error_rows=len(errors))
        uow.commit()
    return MemberImportReport(added=len(to_add), kept=kept, errors=errors, notes=notes,
                              written=True)
