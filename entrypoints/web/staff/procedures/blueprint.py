"""The procedure builder's blueprint (/staff/procedures, 手続きの作成, ADR 0055) and what its
pages share: the ids of the procedures that ship (not free to take), the further checks
before publishing, a procedure's state as staff read it, and problems as the pages show
them (each with its place: a question, the routing, the fee, the procedure)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint

from application.conversations.checking_procedure import Problem
from domain.access import Permission
from domain.built_procedures import BuiltProcedure, channel_label
from entrypoints.procedure_wiring import SHIPPED_IDS
from entrypoints.web.staff.frame import use_staff_error_pages
from entrypoints.web.staff.nav import NavEntry, register_nav

__all__ = ["SHIPPED_IDS", "problem_lines", "staff_procedures", "state_of"]

staff_procedures = Blueprint("staff_procedures", __name__, url_prefix="/staff/procedures")
use_staff_error_pages(staff_procedures)
register_nav(staff_procedures, NavEntry("手続きを作る", "staff_procedures.index",
                                        Permission.BUILD_PROCEDURES, order=58))

_STEP_PATH = re.compile(r"^\$\.procedure\.steps\[(\d+)\]")


@staff_procedures.context_processor
def _shared() -> dict[str, Any]:
    return {"Permission": Permission, "channel_label": channel_label, "state_of": state_of}


def state_of(built: BuiltProcedure) -> tuple[str, dict[str, Any]]:
    """The state as staff read it: a message and its values (for `_()`)."""
    if built.published_version is None:
        return "下書き", {}
    if built.withdrawn:
        return "受付終了（第%(number)s版）", {"number": built.published_version}
    if built.draft_changed:
        return "公開中 第%(number)s版（変更あり）", {"number": built.published_version}
    return "公開中 第%(number)s版", {"number": built.published_version}


def problem_lines(problems: tuple[Problem, ...]) -> list[dict[str, Any]]:
    """Each problem with where the editor shows it: a question (by key, or by position for a
    shape problem), the routing, the fee, or the procedure."""
    lines = []
    for problem in problems:
        place = problem.place
        message = problem.message
        step_index = None
        found = _STEP_PATH.match(message)
        if found:
            step_index = int(found.group(1))
        section = ("step" if place.step is not None or step_index is not None
                   else "routing" if message.startswith("$.routing")
                   else "fee" if message.startswith("$.procedure.fee") else "procedure")
        lines.append({"section": section, "step": place.step, "step_index": step_index,
                      "choice": place.choice, "branch": place.branch, "message": message,
                      "place": place.text()})
    return lines
