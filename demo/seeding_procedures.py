"""The demo town's procedures staff built (ADR 0055): the library of templates that comes with
Madoguchi (templates/procedures/) as drafts, and 粗大ごみ収集の申込 published in the chat's
menu, so the builder, a version, a fee paid on the development pay page and a case in 環境課
can be walked on first start. Through the builder's use cases; idempotent (a template whose id
the town has is left as it is)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from application.access.actor import Actor
from application.conversations.procedure_templates import TemplateRefused
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.procedure_builder.drafting import SaveDraft, save_draft
from application.procedure_builder.publishing import publish_procedure

__all__ = ["DEMO_PUBLISHED", "seed_demo_procedures"]

# Published in the demo's menu: (id, its place in the menu).
DEMO_PUBLISHED = (("bulky_waste", 1),)


def seed_demo_procedures(*, actor: Actor, uow_factory: Callable[[], UnitOfWork], clock: Clock,
                         shipped: frozenset[str], library: Path) -> int:
    """Returns how many procedures it added. `shipped`: the ids that come in code (their
    templates, お問い合わせ, 通報, 相談, are not imported a second time); `library`: the
    folder of templates."""
    with uow_factory() as uow:
        have = {built.id for built in uow.built_procedures.all()}
    added = 0
    for path in sorted(library.glob("*.json")):
        template = json.loads(path.read_text(encoding="utf-8"))
        procedure_id = template["procedure"]["id"]
        if procedure_id in have or procedure_id in shipped:
            continue
        places = dict(DEMO_PUBLISHED)
        try:
            save_draft(SaveDraft(template=template, actor=actor, new=True,
                                 in_menu=procedure_id in places or None,
                                 menu_order=places.get(procedure_id),
                                 channels=("line", "web", "sms", "email")),
                       uow=uow_factory(), clock=clock, shipped=shipped)
        except TemplateRefused:  # a department the town renamed: staff import it by hand
            continue
        added += 1
        if procedure_id in places:
            publish_procedure(procedure_id, actor=actor, uow=uow_factory(), clock=clock)
    return added
