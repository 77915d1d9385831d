"""The procedure editor offers what the engine has: every answer type, every known fact, every
named check, and the rules of the question fields `Step` has (a rule for a field `Step` does
not have is not offered), each with a Japanese label and its English entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from attrs import fields
from babel.messages.pofile import read_po

from application.conversations.answer_checks import CHECKS
from application.conversations.steps import KNOWN_FACTS, AnswerType, Step
from entrypoints.web.staff.procedures import fields as editor

pytestmark = pytest.mark.unit

CATALOG = (Path(__file__).resolve().parents[2] / "entrypoints" / "web" / "translations" / "en"
           / "LC_MESSAGES" / "messages.po")


def _english() -> dict[str, str]:
    with CATALOG.open("rb") as source:
        return {m.id: m.string for m in read_po(source) if m.id and m.string}


def test_the_editor_offers_every_answer_type_known_fact_and_named_check() -> None:
    assert [value for value, _ in editor.ANSWER_TYPES] == [kind.value for kind in AnswerType]
    assert [value for value, _ in editor.KNOWN] == list(KNOWN_FACTS)
    assert [value for value, _ in editor.CHECK_NAMES] == list(CHECKS)


def test_the_rules_offered_are_fields_a_question_has() -> None:
    step_fields = {attribute.name for attribute in fields(Step)}
    assert {rule.name for rule in editor.RULES} <= step_fields
    assert {"min_length", "max_value", "min_date", "max_photos"} <= {
        rule.name for rule in editor.RULES}
    kinds = {kind.value for kind in AnswerType}
    assert all(set(rule.types) <= kinds for rule in editor.RULES)


def test_every_label_the_editor_shows_is_japanese_with_an_english_entry() -> None:
    english = _english()
    labels = [label for _, label in (*editor.ANSWER_TYPES, *editor.KNOWN, *editor.CHECK_NAMES)]
    labels += [rule.label for rule in editor.RULES] + [day for _, day in editor.WEEKDAYS]
    missing = [label for label in labels if label not in english]
    assert missing == [], "a value without its label in fields.py, or no English entry"
