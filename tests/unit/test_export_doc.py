"""docs/export.md documents the town's export as the code writes it: every file, every column
in order, every code a code column can hold; and every column of every table is exported or
left out on purpose (a column a migration adds cannot be forgotten)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Column

from adapters.persistence.orm import metadata
from adapters.persistence.queries.town_files import LEFT_OUT, TOWN_FILES
from entrypoints.web.staff.audit_actions import ACTIONS, PAYMENT_STEPS

pytestmark = pytest.mark.unit

DOC = (Path(__file__).resolve().parents[2] / "docs" / "export.md").read_text(encoding="utf-8")
_ROW = re.compile(r"^\| `([a-z0-9_]+)` \|(.*)$", re.MULTILINE)


def _section(heading: str) -> str:
    start = DOC.index(heading)
    ends = [i for i in (DOC.find("\n### ", start + 1), DOC.find("\n## ", start + 1)) if i > 0]
    return DOC[start:min(ends, default=len(DOC))]


def _documented_columns(name: str) -> dict[str, str]:
    return dict(_ROW.findall(_section(f"### {name} — ")))


@pytest.mark.parametrize("spec", TOWN_FILES, ids=lambda spec: spec.file.name)
def test_the_doc_names_every_column_of_every_file_in_order(spec: object) -> None:
    documented = _documented_columns(spec.file.name)  # type: ignore[attr-defined]
    assert list(documented) == list(spec.file.columns)  # type: ignore[attr-defined]


@pytest.mark.parametrize("spec", TOWN_FILES, ids=lambda spec: spec.file.name)
def test_the_doc_lists_every_code_of_every_code_column(spec: object) -> None:
    documented = _documented_columns(spec.file.name)  # type: ignore[attr-defined]
    missing = [(column, member.value)
               for field in spec.fields  # type: ignore[attr-defined]
               for column, codes in field.codes.items() for member in codes
               if f"`{member.value}`" not in documented[column]]
    assert missing == []


def test_the_doc_has_no_file_the_export_does_not_write() -> None:
    headings = re.findall(r"^### ([a-z_]+\.(?:csv|jsonl)) — ", DOC, re.MULTILINE)
    assert headings == [spec.file.name for spec in TOWN_FILES]


def test_every_column_of_every_table_is_exported_or_left_out_with_a_reason() -> None:
    exported = {(f.source.table.name, f.source.name) for spec in TOWN_FILES
                for f in spec.fields if isinstance(f.source, Column)}
    unaccounted, unknown = [], []
    for table in metadata.sorted_tables:
        left = LEFT_OUT.get(table.name, {})
        if "*" in left:
            assert not any(name == table.name for name, _ in exported), table.name
            continue
        for column in table.columns:
            if (table.name, column.name) not in exported and column.name not in left:
                unaccounted.append(f"{table.name}.{column.name}")
        unknown += [f"{table.name}.{name}" for name in left if name not in table.columns]
    unknown += [name for name in LEFT_OUT if name not in metadata.tables]
    assert unaccounted == [] and unknown == []


def test_the_doc_says_what_is_left_out_and_why() -> None:
    section = _section("## Not in the export")
    for table, columns in LEFT_OUT.items():
        for column in columns:
            shown = "(the whole table)" if column == "*" else f"`{column}`"
            assert f"| `{table}` | {shown} |" in section


def test_the_doc_names_every_action_of_the_logs() -> None:
    actions = _documented_columns_of("### 監査ログの action")
    steps = _documented_columns_of("### 支払の記録の action")
    assert sorted(set(ACTIONS) - set(actions)) == []
    assert sorted(set(PAYMENT_STEPS) - set(steps)) == []


def _documented_columns_of(heading: str) -> list[str]:
    return [code for code, _ in re.findall(r"^\| `([a-z0-9_.]+)` \|(.*)$", _section(heading),
                                           re.MULTILINE)]
