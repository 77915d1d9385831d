"""REST API v1: a household by its 世帯番号, with its applications (and, to those who may see
residents, its members). Documented in openapi_households.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify

from application.benefits.viewing_household import HouseholdMemberShown, view_household
from domain.access import Permission
from entrypoints.web.access import requires_api_permission
from entrypoints.web.api.shapes import application_json
from entrypoints.web.services import container

__all__ = ["api_households"]

api_households = Blueprint("api_households", __name__, url_prefix="/api/v1")


@api_households.get("/households/<number>")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def get_household(number: str):  # type: ignore[no-untyped-def]
    services = container()
    file = view_household(number, actor=g.actor, uow=services.uow(), clock=services.clock())
    shown: dict[str, Any] = {
        "household_number": file.household_number, "member_count": file.member_count,
        "applications": [application_json(a, file.household_number)
                         for a in file.applications],
        "members": None if file.members is None else [_member(m) for m in file.members],
    }
    return jsonify(shown)


def _member(member: HouseholdMemberShown) -> dict[str, Any]:
    person = member.person
    return {"relationship": member.relationship,
            "resident_id": person.resident_id if person else None,
            "resident_number": person.resident_number if person else None,
            "name": person.name if person else None, "kana": person.kana if person else None}
