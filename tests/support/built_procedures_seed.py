"""Procedures staff built (手続きの作成, ADR 0055) for the town of
tests/support/every_route_town.py: a draft and a published one, through the builder's use
cases, each routed to the town's department for roads and parks."""

from __future__ import annotations

from typing import Any

from application.access.actor import Actor
from application.procedure_builder.drafting import SaveDraft, save_draft
from application.procedure_builder.publishing import publish_procedure
from entrypoints.containers import Container

__all__ = ["built_template", "seed_built_procedures"]

MAKER = Actor.operator("seed-maker")
DEPARTMENT = "建設課（道路・公園）"


def built_template(procedure_id: str, title: str = "粗大ごみ収集の申込") -> dict[str, Any]:
    """A procedure's template as the builder saves it, routed to the town's department."""
    return {"format": "madoguchi.procedure", "version": 1,
            "procedure": {"id": procedure_id, "title": title, "steps": [
                {"key": "items", "question": "何点出しますか？", "answer": "number",
                 "label": "点数", "min_value": 1, "max_value": 10}]},
            "routing": {"default": DEPARTMENT}}


def seed_built_procedures(container: Container) -> dict[str, str]:
    """A draft (bulky_waste), a published procedure (dog_registration, version 1) and a
    published named survey (town_survey, ADR 0059); the department must exist."""
    uow, clock = container.uow, container.clock()
    for procedure_id in ("bulky_waste", "dog_registration"):
        save_draft(SaveDraft(template=built_template(procedure_id), actor=MAKER, new=True),
                   uow=uow(), clock=clock)
    publish_procedure("dog_registration", actor=MAKER, uow=uow(), clock=clock)
    survey = {"format": "madoguchi.procedure", "version": 1, "procedure": {
        "id": "town_survey", "title": "窓口の満足度アンケート", "survey": {"named": True},
        "steps": [{"key": "satisfaction", "question": "満足しましたか？", "answer": "choice",
                   "label": "満足度", "choices": [{"value": str(n), "label": f"{n}点"}
                                                 for n in range(5, 0, -1)]},
                  {"key": "comment", "question": "ご意見をどうぞ", "answer": "text",
                   "label": "ご意見"}]}}
    save_draft(SaveDraft(template=survey, actor=MAKER, new=True), uow=uow(), clock=clock)
    publish_procedure("town_survey", actor=MAKER, uow=uow(), clock=clock)
    return {"built_procedure": "bulky_waste", "published_procedure": "dog_registration"}
