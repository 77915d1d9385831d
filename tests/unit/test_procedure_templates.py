"""Procedure templates: every shipped procedure round-trips through the versioned JSON format,
the documented schema describes what is exported, and a bad template is refused in its place."""

from __future__ import annotations

import copy
import json
import pathlib
import re
from typing import Any

import pytest

from application.cases.consultation_procedure import CONSULTATION_ROUTE
from application.cases.routing import DEFAULT_ROUTES
from application.conversations.checking_procedure import Place
from application.conversations.procedure_templates import (
    Template,
    TemplateRefused,
    export_template,
    import_template,
)
from application.conversations.procedures import Procedure
from application.conversations.steps import AnswerType
from entrypoints import procedure_wiring

pytestmark = pytest.mark.unit

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "procedure-template.schema.json").read_text("utf-8"))
TEMPLATE_FILES = sorted((ROOT / "templates" / "procedures").glob("*.json"))
SHIPPED = sorted(procedure_wiring.SHIPPED, key=lambda p: p.id)
ROUTES = {route.procedure_id: route for route in (*DEFAULT_ROUTES, CONSULTATION_ROUTE)}


def violations(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """The few JSON Schema keywords the template schema uses, checked by hand (no jsonschema
    dependency): $ref to $defs, type, const, enum, required, properties,
    additionalProperties, items, minItems/maxItems, minLength/maxLength, pattern, minimum/maximum.
    """
    if "$ref" in schema:
        return violations(value, SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]], path)
    kinds = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list,
             "null": type(None)}
    wanted = schema.get("type")
    if wanted is not None:
        names = wanted if isinstance(wanted, list) else [wanted]
        ok = any(isinstance(value, kinds[n]) and not (n == "integer" and isinstance(value, bool))
                 for n in names)
        if not ok:
            return [f"{path}: not {wanted}"]
    found = []
    if "const" in schema and value != schema["const"]:
        found.append(f"{path}: not {schema['const']}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: not one of {schema['enum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 10**9):
            found.append(f"{path}: length")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{path}: pattern")
    if isinstance(value, int) and not isinstance(value, bool) and not (
            schema.get("minimum", -10**9) <= value <= schema.get("maximum", 10**9)):
        found.append(f"{path}: range")
    if isinstance(value, dict):
        found += [f"{path}.{name}: missing" for name in schema.get("required", ())
                  if name not in value]
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                found += violations(item, properties[name], f"{path}.{name}")
            elif extra is False:
                found.append(f"{path}.{name}: not allowed")
            elif isinstance(extra, dict):
                found += violations(item, extra, f"{path}.{name}")
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", 10**9):
            found.append(f"{path}: number of items")
        for index, item in enumerate(value):
            found += violations(item, schema.get("items", {}), f"{path}[{index}]")
    return found


def through_json(data: Any) -> Any:
    return json.loads(json.dumps(data, ensure_ascii=False))


@pytest.mark.parametrize("procedure", SHIPPED, ids=lambda p: p.id)
def test_every_shipped_procedure_survives_export_and_import(procedure: Procedure) -> None:
    route = ROUTES.get(procedure.id)
    template = through_json(export_template(procedure, route))
    assert import_template(template) == Template(procedure=procedure, route=route)


@pytest.mark.parametrize("procedure", SHIPPED, ids=lambda p: p.id)
def test_the_documented_schema_accepts_every_exported_procedure(procedure: Procedure) -> None:
    assert violations(through_json(export_template(procedure, ROUTES.get(procedure.id))),
                      SCHEMA) == []


def test_the_schema_knows_every_answer_type_and_every_field_of_a_question() -> None:
    from attrs import fields

    from application.conversations.steps import Step

    step = SCHEMA["$defs"]["step"]
    assert step["properties"]["answer"]["enum"] == [kind.value for kind in AnswerType]
    assert set(step["properties"]) == {attribute.name for attribute in fields(Step)}


def test_the_schema_refuses_what_import_refuses() -> None:
    assert violations({"format": "madoguchi.procedure", "version": 2, "procedure": {}},
                      SCHEMA) == ["$.version: not 1", "$.procedure.id: missing",
                                  "$.procedure.title: missing", "$.procedure.steps: missing"]


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: p.name)
def test_each_template_in_the_repository_imports_cleanly(path: pathlib.Path) -> None:
    data = json.loads(path.read_text("utf-8"))
    assert violations(data, SCHEMA) == []
    template = import_template(data)
    assert path.stem == template.procedure.id


def test_the_repository_holds_the_generic_procedures_as_they_ship() -> None:
    """The procedures that ship are in the folder as `export` prints them; the rest of the
    folder is the library towns import (tests/e2e/test_template_library.py walks each)."""
    by_id = {p.id: p for p in SHIPPED}
    shipped = [path for path in TEMPLATE_FILES if path.stem in by_id]
    assert [p.stem for p in shipped] == ["consultation", "contact", "report"]
    for path in shipped:
        assert json.loads(path.read_text("utf-8")) == through_json(
            export_template(by_id[path.stem], ROUTES[path.stem]))
    assert len(TEMPLATE_FILES) >= 12


def test_the_library_routes_only_to_departments_the_demo_town_has() -> None:
    """`make demo` then `madoguchi procedures import-library` needs no department mapped."""
    from demo.seeding_town import DEMO_DEPARTMENTS

    named = {path.stem: {routing["default"], *routing.get("by_value", {}).values()}
             for path in TEMPLATE_FILES
             if (routing := json.loads(path.read_text("utf-8")).get("routing"))}
    assert {stem: names - set(DEMO_DEPARTMENTS) for stem, names in named.items()
            if names - set(DEMO_DEPARTMENTS)} == {}


def test_a_template_names_departments_not_ids_and_holds_no_answers() -> None:
    contact = export_template(by_id("contact"), ROUTES["contact"])
    assert contact["routing"]["by_value"]["waste"] == "環境課"
    assert set(contact) == {"format", "version", "procedure", "routing"}


def by_id(procedure_id: str) -> Procedure:
    return next(p for p in SHIPPED if p.id == procedure_id)


def refusal(data: Any) -> TemplateRefused:
    with pytest.raises(TemplateRefused) as refused:
        import_template(data)
    return refused.value


def good() -> dict[str, Any]:
    return copy.deepcopy(export_template(by_id("contact"), ROUTES["contact"]))


def test_an_unknown_version_is_refused_naming_the_version() -> None:
    data = good() | {"version": 2}
    assert "version 2" in refusal(data).message
    assert refusal(data).problems[0].message.startswith("$.version: ")


def test_another_format_is_refused() -> None:
    assert "$.format" in refusal(good() | {"format": "other"}).message


def test_an_unknown_answer_type_is_refused_with_its_json_path() -> None:
    data = good()
    data["procedure"]["steps"][1]["answer"] = "signature"
    assert refusal(data).message.splitlines()[1].startswith(
        "$.procedure.steps[1].answer: 「signature」という答えの種類はありません")


@pytest.mark.parametrize(("remove", "path"), [
    (lambda d: d["procedure"].pop("title"), "$.procedure.title"),
    (lambda d: d["procedure"]["steps"][0].pop("question"), "$.procedure.steps[0].question"),
    (lambda d: d["procedure"]["steps"][1]["choices"][2].pop("value"),
     "$.procedure.steps[1].choices[2].value"),
    (lambda d: d["procedure"]["steps"][3]["branches"][0].pop("goto"),
     "$.procedure.steps[3].branches[0].goto"),
    (lambda d: d.pop("procedure"), "$.procedure"),
    (lambda d: d["routing"].pop("default"), "$.routing.default"),
])
def test_a_missing_field_is_refused_with_its_json_path(remove: Any, path: str) -> None:
    data = good()
    remove(data)
    assert refusal(data).problems[0].message.startswith(f"{path}: ")


def test_an_unknown_field_is_refused_with_its_json_path() -> None:
    data = good()
    data["procedure"]["steps"][0]["colour"] = "red"
    assert refusal(data).problems[0].message.startswith("$.procedure.steps[0].colour: ")


def test_a_template_that_breaks_the_checks_is_refused_with_every_problem_in_place() -> None:
    data = good()
    data["procedure"]["steps"][3]["branches"][0]["goto"] = "name"  # back to the first question
    data["procedure"]["steps"][1]["choices"][0]["label"] = "届出・証明書" * 4  # 24 characters
    data["routing"]["by_value"]["parks"] = "公園課"
    problems = refusal(data).problems
    assert [p.place for p in problems] == [Place("topic", choice="procedures"),
                                           Place("wants_photo", branch=0),
                                           Place("topic", choice="parks")]


def test_a_template_from_another_town_imports_with_its_department_names() -> None:
    data = good()
    data["routing"]["by_value"]["waste"] = "生活環境課"
    assert import_template(data).route.by_value["waste"] == "生活環境課"  # type: ignore[union-attr]


def test_the_example_in_the_documentation_imports() -> None:
    text = (ROOT / "docs" / "procedure-templates.md").read_text("utf-8")
    example = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])
    assert violations(example, SCHEMA) == []
    assert import_template(example).procedure.title == "犬の登録"


def test_the_command_line_exports_a_procedure_and_checks_a_file(tmp_path: pathlib.Path) -> None:
    from click.testing import CliRunner

    from entrypoints.cli import main

    runner = CliRunner()
    env = {"DATABASE_URL": None, "MADOGUCHI_ENV": "development"}
    exported = runner.invoke(main, ["procedures", "export", "report"], env=env)
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output) == through_json(export_template(by_id("report"),
                                                                       ROUTES["report"]))
    path = tmp_path / "report.json"
    path.write_text(exported.output, "utf-8")
    assert runner.invoke(main, ["procedures", "check", str(path)]).exit_code == 0
    path.write_text(json.dumps(good() | {"version": 3}), "utf-8")
    refused = runner.invoke(main, ["procedures", "check", str(path)])
    assert refused.exit_code == 1 and "version 3" in refused.output
