"""Which department (課) a finished procedure's case goes to: data, not code. A procedure's
route names the answer that decides (お問い合わせ: the topic), a department per value, and a
default. Departments are named as the town names them; a route to a department the town does
not have falls to the default, then to the first department by name, then to none
(administrators see such cases and route them by hand)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attrs import field, frozen

from domain.cases import Department

__all__ = ["DEFAULT_ROUTES", "CaseRoute", "route_case"]


@frozen
class CaseRoute:
    procedure_id: str
    default: str  # the department's name when no value below matches
    answer_key: str | None = None  # the answer that decides, if any
    by_value: Mapping[str, str] = field(factory=dict)  # that answer's value → department name

    def department_name(self, answers: Mapping[str, Any]) -> str:
        if self.answer_key is not None:
            value = answers.get(self.answer_key)
            if isinstance(value, str) and value in self.by_value:
                return self.by_value[value]
        return self.default


# The routes Madoguchi ships: お問い合わせ by its topic, 通報 by what is reported
# (application/conversations/library.py).
DEFAULT_ROUTES: tuple[CaseRoute, ...] = (
    CaseRoute(procedure_id="contact", default="総務課", answer_key="topic", by_value={
        "procedures": "住民課",
        "waste": "環境課",
        "roads": "建設課（道路・公園）",
        "childcare": "子育て支援課",
        "tax": "税務課",
    }),
    CaseRoute(procedure_id="report", default="建設課（道路・公園）", answer_key="what", by_value={
        "dumping": "環境課",
        "other": "総務課",
    }),
)
_FALLBACK_DEFAULT = "総務課"


def route_case(procedure_id: str, answers: Mapping[str, Any],
               departments: Sequence[Department],
               routes: Sequence[CaseRoute] = DEFAULT_ROUTES) -> Department | None:
    """The department a case of this procedure, with these answers, belongs to."""
    by_name = {department.name: department for department in departments}
    route = next((r for r in routes if r.procedure_id == procedure_id), None)
    wanted = (route.department_name(answers), route.default) if route else ()
    for name in (*wanted, _FALLBACK_DEFAULT):
        if name in by_name:
            return by_name[name]
    return min(departments, key=lambda d: d.name, default=None)
