"""Every action a use case can record has a label staff read on the audit log: the test reads
the recording calls in the code, so a new action without a label fails here, not on a page."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from application.certificates.issuing_certificate import StaffAction
from application.staff.managing_staff import StaffChange
from domain.batches import BatchState
from entrypoints.web.staff.audit_actions import (
    _VALUES,
    ACTION_GROUPS,
    ACTIONS,
    DETAIL_FIELDS,
    PAYMENT_STEPS,
    TARGETS,
    actor_name,
    detail_fields,
)

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def _literal_actions() -> dict[str, set[str]]:
    """`record(uow, actor, "x.y", …)` → {"x.y"}; `record_payment(…, "step", …)` → steps."""
    found: dict[str, set[str]] = {"record": set(), "record_payment": set()}
    for path in (ROOT / "application").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = {"record": 2, "record_payment": 3}.get(str(name))
            if position is None or len(node.args) <= position:
                continue
            action = node.args[position]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                found[str(name)].add(action.value)
    return found


def test_every_action_recorded_by_name_has_a_label() -> None:
    literal = _literal_actions()
    assert len(literal["record"]) > 20 and len(literal["record_payment"]) > 8  # the scan works
    payment_targets = {"payment_batch", "disbursement"}
    paid = literal["record_payment"]
    assert paid <= set(PAYMENT_STEPS)
    labelled_payments = {a.split(".", 1)[1] for a in ACTIONS if a.split(".")[0] in payment_targets}
    assert paid <= labelled_payments
    assert sorted(literal["record"] - set(ACTIONS)) == []


def test_every_action_recorded_from_a_value_has_a_label() -> None:
    made = {f"staff.{change}" for change in StaffChange.ALL}
    made |= {f"certificate_request.{a.value}" for a in StaffAction}
    made |= {f"certificate_request.{purpose}" for purpose in ("view", "print")}
    made |= {f"payment_batch.{s.value}" for s in (BatchState.SETTLED, BatchState.PARTLY_FAILED)}
    assert sorted(made - set(ACTIONS)) == []


def test_every_job_kind_s_action_has_a_label() -> None:
    tree = ast.parse((ROOT / "entrypoints" / "jobs.py").read_text(encoding="utf-8"))
    actions = {k.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
               for k in node.keywords
               if k.arg == "action" and isinstance(k.value, ast.Constant)}
    assert "demo.seed" in actions  # the scan works
    assert sorted(actions - set(ACTIONS)) == []


def test_every_label_has_its_english_entry() -> None:
    catalog = ROOT / "entrypoints" / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    with catalog.open("rb") as source:
        english = {m.id: m.string for m in read_po(source) if m.id}
    labels = set(ACTIONS.values()) | set(PAYMENT_STEPS.values())
    labels |= {group for group, _ in ACTION_GROUPS} | set(TARGETS.values())
    labels |= set(DETAIL_FIELDS.values())
    labels |= {value for values in _VALUES.values() for value in values.values()}
    labels |= {"はい", "いいえ", "APIキー「%(name)s」", "サーバーでの操作（%(name)s）", "システム",
               "住民", "（不明なログインID）"}
    assert sorted(label for label in labels if not english.get(label)) == []


def test_the_filter_lists_every_action_once_in_its_group() -> None:
    grouped = [key for _, prefixes in ACTION_GROUPS for key in ACTIONS if key.startswith(prefixes)]
    assert sorted(grouped) == sorted(ACTIONS)


def _recorded_detail_keys() -> set[str]:
    """The facts the code records: `record(…, key=…)` and the detail of jobs started."""
    keys: set[str] = set()
    for folder in ("application", "entrypoints"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                name = isinstance(node, ast.Call) and (
                    getattr(node.func, "id", None) or getattr(node.func, "attr", None))
                if name in ("record", "_record", "start_job"):
                    keys |= {k.arg for k in node.keywords if k.arg}  # type: ignore[union-attr]
    not_facts = {"at", "uow", "actor", "queue", "catalog", "ids", "clock",
                 "now"}  # paying's _record makes a result, not an audit record
    return keys - not_facts | {"note", "batch_id"}  # record_payment's facts


def test_every_fact_a_record_keeps_has_a_label() -> None:
    keys = _recorded_detail_keys()
    assert {"shown", "decision", "format"} <= keys  # the scan works
    assert sorted(keys - set(DETAIL_FIELDS)) == []


def test_details_are_shown_as_labelled_fields_in_words() -> None:
    fields = detail_fields({"refused": 0, "count": 1234, "decision": "approve", "locked": True,
                            "status": "open", "note": "口座不明"})
    assert fields == [("状態", "受付中", True), ("決定", "支給決定", True),
                      ("件数", "1,234", False), ("決定できなかった件数", "0", False),
                      ("ロック", "はい", True), ("備考", "口座不明", False)]


def test_who_acted_is_named_as_people_say_it() -> None:
    names = {"s1": "窓口 花子"}
    assert actor_name("s1", "hanako", names) == ("%(name)s", {"name": "窓口 花子"})
    assert actor_name("api:k1", "api:基幹系連携", names) == ("APIキー「%(name)s」",
                                                           {"name": "基幹系連携"})
    assert actor_name("cli:root", "cli:root", names) == ("サーバーでの操作（%(name)s）",
                                                        {"name": "root"})
    assert actor_name("system", "system", names) == ("システム", {})
    assert actor_name("resident:r1", "住民", names) == ("住民", {})
