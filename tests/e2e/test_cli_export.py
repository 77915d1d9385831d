"""`madoguchi export` as an operator runs it on a fresh demo town: the command as wired (its
configuration, schema check and key ring), not a container handed in."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.persistence.queries.town_files import TOWN_FILES
from entrypoints.cli import main
from tests.support.isolation import is_app_variable

pytestmark = pytest.mark.e2e


def test_an_operator_exports_the_demo_town_with_its_name_and_schema(tmp_path: Path) -> None:
    env: dict[str, str | None] = {name: None for name in os.environ if is_app_variable(name)}
    env.update({"MADOGUCHI_DATA_DIR": str(tmp_path / "var"), "MADOGUCHI_TASK_QUEUE": "eager",
                "MADOGUCHI_TOWN_PREFECTURE": "岡山県", "MADOGUCHI_TOWN_CITY": "総社市",
                "MADOGUCHI_TOWN_CODE": "332089"})
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    seeded = runner.invoke(main, ["demo", "--households", "5", "--no-history"], env=env)
    assert seeded.exit_code == 0
    path = tmp_path / "soja.zip"

    result = runner.invoke(main, ["export", str(path)], env=env)

    assert result.exit_code == 0, result.output
    assert f"{len(TOWN_FILES)} files" in result.output and "mode 600" in result.output
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        staff = archive.read("staff.csv").decode("utf-8-sig")
    assert manifest["town"] == {"name": "総社市", "full_name": "岡山県総社市",
                                "prefecture": "岡山県", "city": "総社市", "code": "332089"}
    assert manifest["schema_revision"]
    rows = {entry["name"]: entry["rows"] for entry in manifest["files"]}
    assert rows["households.csv"] >= 5 and rows["staff.csv"] == 5  # with the 自治会長 jichikai
    assert '"admin","管理 太郎","","administrator"' in staff
