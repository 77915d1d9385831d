"""The households resource's part of the OpenAPI document (entrypoints/web/api/households.py),
and the decision call's answer (one outcome per application asked for, refusals included)."""

from __future__ import annotations

from typing import Any

__all__ = ["HOUSEHOLD_PATHS", "HOUSEHOLD_SCHEMAS"]

_ERR = {"$ref": "#/components/responses/Error"}
_AUTH = {"401": {"$ref": "#/components/responses/Unauthenticated"},
         "403": {"$ref": "#/components/responses/Forbidden"}}
_TEXT_OR_NULL = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


HOUSEHOLD_PATHS: dict[str, Any] = {
    "/households/{number}": {
        "get": {
            "operationId": "getHousehold",
            "summary": "世帯番号で世帯を調べる: 世帯員の人数と申請（閲覧は記録されます）",
            "description": "members（世帯員の氏名・宛名番号・続柄）は住民を閲覧できる役割"
                           "（view_residents）のキーにだけ返し、それ以外は null です。",
            "parameters": [{"name": "number", "in": "path", "required": True,
                            "description": "世帯番号（住民記録の番号）",
                            "schema": {"type": "string", "minLength": 1, "maxLength": 32}}],
            "responses": {"200": {"description": "世帯", "content": {"application/json": {
                "schema": _ref("Household")}}}, "404": _ERR, "422": _ERR, **_AUTH},
        },
    },
}

HOUSEHOLD_SCHEMAS: dict[str, Any] = {
    "Household": {"type": "object", "required": ["household_number", "member_count",
                                                 "applications", "members"],
                  "properties": {
                      "household_number": {"type": "string", "description": "世帯番号"},
                      "member_count": {"type": "integer", "minimum": 0},
                      "applications": {"type": "array", "items": _ref("Application")},
                      "members": {"oneOf": [{"type": "array", "items": _ref("HouseholdMember")},
                                            {"type": "null"}]}}},
    "HouseholdMember": {"type": "object", "required": ["relationship", "resident_id",
                                                       "resident_number", "name", "kana"],
                        "properties": {"relationship": {"type": "string",
                                                        "description": "続柄（世帯主, 妻, 子, …）"},
                                       "resident_id": _TEXT_OR_NULL,
                                       "resident_number": _TEXT_OR_NULL,
                                       "name": _TEXT_OR_NULL, "kana": _TEXT_OR_NULL}},
    "DecisionReport": {
        "type": "object",
        "description": "決定の呼び出しは、一部の申請を決定できなかったときも 200 で答えます"
                       "（すでに決定済み、別の給付金の申請、状態が合わない など）。申請ごとの"
                       "結果は outcomes に、すべて決定できたかは all_decided にあります。",
        "required": ["requested", "decided", "notified", "all_decided", "outcomes", "refused"],
        "properties": {
            "requested": {"type": "integer", "description": "指定された申請の数（重複を除く）"},
            "decided": {"type": "integer", "description": "決定した申請の数"},
            "notified": {"type": "integer",
                         "description": "決定通知をLINE・SMS・メールで送る世帯の数（残りは郵送）"},
            "all_decided": {"type": "boolean",
                            "description": "指定したすべての申請を決定したとき true"},
            "outcomes": {"type": "array", "items": {
                "type": "object", "required": ["id", "outcome", "message", "household_number"],
                "properties": {
                    "id": {"type": "string"},
                    "outcome": {"enum": ["approved", "rejected", "refused"],
                                "description": "refused: 決定できなかった（message に理由）"},
                    "message": _TEXT_OR_NULL,
                    "household_number": {**_TEXT_OR_NULL,
                                         "description": "決定できなかった申請の世帯番号"}}}},
            "refused": {"type": "array", "description": "決定できなかった申請（outcomes の"
                                                        "refused と同じ）",
                        "items": {"type": "object", "required": ["id", "message"],
                                  "properties": {"id": {"type": "string"},
                                                 "message": {"type": "string"},
                                                 "household_number": _TEXT_OR_NULL}}},
        },
    },
}
