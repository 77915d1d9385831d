"""`madoguchi procedures import` and `import-library`, as a newcomer runs them on a fresh
install: a template is imported as a draft with its departments mapped (and published); one
that does not fit is refused with every problem in its place and nothing is saved; the library
that comes with Madoguchi is imported in one command."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from entrypoints.cli import main
from entrypoints.cli.procedure_import import LIBRARY
from tests.support.isolation import is_app_variable

pytestmark = pytest.mark.e2e

Run = Callable[..., Result]
LIBRARY_FILES = sorted(LIBRARY.glob("*.json"))
SHIPPED = {"contact", "report", "consultation"}  # in every town already: left as they are


def _runner(home: Path) -> Run:
    env: dict[str, str | None] = {name: None for name in os.environ if is_app_variable(name)}
    env.update({"MADOGUCHI_DATA_DIR": str(home / "var"), "MADOGUCHI_TASK_QUEUE": "eager"})

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env)

    return invoke


def _rows(home: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(home / "var" / "madoguchi.db") as db:
        return db.execute(sql).fetchall()


def _template(procedure_id: str, department: str, **steps: Any) -> dict[str, Any]:
    return {"format": "madoguchi.procedure", "version": 1,
            "procedure": {"id": procedure_id, "title": "街路樹の剪定の要望", "steps": [
                {"key": "place", "question": "場所を教えてください。", "answer": "location"},
                {"key": "detail", "question": "様子を教えてください。", "answer": "text",
                 **steps}]},
            "routing": {"default": department}}


@pytest.fixture
def fresh(tmp_path: Path) -> tuple[Path, Run]:
    run = _runner(tmp_path)
    assert run("db", "upgrade").exit_code == 0
    return tmp_path, run


def _with_departments(home: Path, run: Run, *names: str) -> None:
    """The town's departments, made as a fresh install makes them: by importing templates
    that name them."""
    folder = home / "seed"
    folder.mkdir()
    for index, name in enumerate(names):
        (folder / f"t{index}.json").write_text(json.dumps(
            _template(f"seed_{index}", name), ensure_ascii=False), "utf-8")
    made = run("procedures", "import-library", "--from", str(folder), "--create-departments")
    assert made.exit_code == 0, made.output


def test_a_template_is_imported_with_its_department_mapped_and_published(
        fresh: tuple[Path, Run]) -> None:
    home, run = fresh
    _with_departments(home, run, "道路河川課")
    path = home / "pruning.json"
    path.write_text(json.dumps(_template("pruning", "建設課"), ensure_ascii=False), "utf-8")

    done = run("procedures", "import", str(path), "--department", "建設課=道路河川課",
               "--publish")
    assert done.exit_code == 0, done.output
    assert "imported pruning「街路樹の剪定の要望」as a draft" in done.output
    assert "published pruning version 1" in done.output
    [(draft, version)] = _rows(home, "SELECT draft, published_version FROM built_procedures "
                                     "WHERE id = 'pruning'")
    assert json.loads(draft)["routing"] == {"default": "道路河川課"} and version == 1
    assert _rows(home, "SELECT action FROM audit_log WHERE target_id = 'pruning' "
                       "ORDER BY at") == [("procedure.create",), ("procedure.publish",)]

    again = run("procedures", "import", str(path), "--department", "建設課=道路河川課",
                "--id", "pruning_2")
    assert again.exit_code == 0, again.output
    assert "imported pruning_2" in again.output
    taken = run("procedures", "import", str(path), "--department", "建設課=道路河川課",
                "--id", "pruning_2")
    assert taken.exit_code == 1
    assert "--id「pruning_2」: この町ですでに使われています" in taken.output


def test_a_template_that_does_not_fit_is_refused_with_every_problem_and_nothing_is_saved(
        fresh: tuple[Path, Run]) -> None:
    home, run = fresh
    _with_departments(home, run, "総務課")
    path = home / "contact.json"
    broken = _template("contact", "建設課", next="nowhere")
    path.write_text(json.dumps(broken, ensure_ascii=False), "utf-8")

    refused = run("procedures", "import", str(path))
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "質問「detail」" in refused.output and "nowhere" in refused.output

    path.write_text(json.dumps(_template("contact", "建設課"), ensure_ascii=False), "utf-8")
    refused = run("procedures", "import", str(path), "--department", "総務部=総務課",
                  "--department", "建設課=土木課", "--department", "建設課")
    assert refused.exit_code == 1
    lines = refused.output.splitlines()
    assert "このテンプレートは読み込めません。" in lines[0]
    assert any(line.startswith("--department「総務部=総務課」: テンプレートに課「総務部」は")
               for line in lines)
    assert any(line.startswith("--department「建設課=土木課」: 課「土木課」はこの町にありません")
               and "総務課" in line for line in lines)
    assert any(line.startswith("$.procedure.id: 手続きのID「contact」はこの町ですでに")
               for line in lines)
    assert "--department「建設課」: 「テンプレートの課の名前=この町の課の名前」の形で" in \
        refused.output
    bad_id = run("procedures", "import", str(path), "--department", "建設課=総務課",
                 "--id", "Contact-2")
    assert bad_id.exit_code == 1 and "--id「Contact-2」: 手続きのIDは" in bad_id.output
    not_json = home / "broken.json"
    not_json.write_text('{"format": ', "utf-8")
    unreadable = run("procedures", "import", str(not_json))
    assert unreadable.exit_code == 1 and "JSON として1行目で読めません" in unreadable.output
    missing = run("procedures", "import", str(home / "none.json"))
    assert missing.exit_code == 1 and "ファイルを読めません" in missing.output
    assert _rows(home, "SELECT id FROM built_procedures WHERE id NOT LIKE 'seed_%'") == []


def test_the_library_import_leaves_what_the_town_has_and_says_what_it_refused(
        fresh: tuple[Path, Run]) -> None:
    home, run = fresh
    folder = home / "library"
    folder.mkdir()
    for name in ("road_damage.json", "contact.json"):
        (folder / name).write_text((LIBRARY / name).read_text("utf-8"), "utf-8")
    (folder / "odd.json").write_text(json.dumps(
        _template("odd", "総務課") | {"version": 2}), "utf-8")

    first = run("procedures", "import-library", "--from", str(folder))
    assert first.exit_code == 1
    assert "road_damage.json: refused" in first.output
    assert "課「建設課（道路・公園）」はこの町にありません" in first.output
    assert "odd.json: refused" in first.output and "version 2" in first.output
    assert "contact.json: already in the town" in first.output
    assert _rows(home, "SELECT count(*) FROM built_procedures") == [(0,)]

    mapped = run("procedures", "import-library", "--from", str(folder), "--create-departments",
                 "--department", "総務課=建設課（道路・公園）")
    assert "created department「建設課（道路・公園）」" in mapped.output
    assert "road_damage.json: imported road_damage「道路・公園の損傷通報」as a draft" in \
        mapped.output
    assert "1 imported as drafts, 1 already in the town, 1 refused" in mapped.output
    again = run("procedures", "import-library", "--from", str(folder))
    assert "road_damage.json: already in the town" in again.output
    assert _rows(home, "SELECT id, published_version FROM built_procedures") == [
        ("road_damage", None)]


@pytest.fixture(scope="module")
def library_imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A fresh install that imports the whole library in one command."""
    home = tmp_path_factory.mktemp("fresh-install")
    run = _runner(home)
    assert run("db", "upgrade").exit_code == 0
    return home, run("procedures", "import-library", "--create-departments").output


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda path: path.stem)
def test_a_fresh_install_gets_each_template_of_the_library_in_one_command(
        library_imported: tuple[Path, str], path: Path) -> None:
    home, output = library_imported
    if path.stem in SHIPPED:
        assert f"{path.name}: already in the town" in output
        return
    title = json.loads(path.read_text("utf-8"))["procedure"]["title"]
    assert f"{path.name}: imported {path.stem}「{title}」as a draft" in output, output
    assert _rows(home, f"SELECT title, published_version FROM built_procedures "
                       f"WHERE id = '{path.stem}'") == [(title, None)]
