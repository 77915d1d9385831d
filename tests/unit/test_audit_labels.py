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
from entrypoints.web.staff.audit_actions import ACTIONS, PAYMENT_STEPS

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
    assert sorted(label for label in labels if not english.get(label)) == []
