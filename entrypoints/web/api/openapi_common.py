"""What every operation of /api/v1 may answer besides its own responses, added to the document
in one place (as with_roles adds the roles) so that no operation forgets one: the one error
shape for a bad body (400, 413, 415), a key's refusal (401, 403, 429 with Retry-After) and
the database out of reach (503 with Retry-After)."""

from __future__ import annotations

import copy
from typing import Any

from entrypoints.web.api.paging import PAGE_PARAMETERS

__all__ = ["ALWAYS_PRESENT", "COMMON_RESPONSES", "PAGED_LISTS", "with_common_responses"]

# Schemas whose every property is always in the answer (null when it has no value), but for
# the ones named: schemathesis then checks that none goes missing.
ALWAYS_PRESENT: dict[str, tuple[str, ...]] = {
    "Program": (), "Batch": ("audit",), "CertificateRequest": (), "Reach": (),
    "Campaign": (), "CampaignPreview": (), "Verification": (), "Facts": (),
    "CertificatePerson": (),
}

# The lists paged by cursor (paging.py): (path, method) → the list's property in the answer
PAGED_LISTS = {
    ("/programs/{program_id}/applications", "get"): "applications",
    ("/certificate-requests", "get"): "certificate_requests",
    ("/verifications", "get"): "verifications",
    ("/batches", "get"): "batches",
}
_NEXT_CURSOR = {"type": ["string", "null"],
                "description": "次のページの cursor（最後のページでは null）"}

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_RETRY_AFTER = {"Retry-After": {"description": "何秒後に再試行できるか",
                                "schema": {"type": "string"}}}

COMMON_RESPONSES: dict[str, Any] = {
    "BadRequest": {"description": "JSONとして読めない（malformed_json）、またはJSONオブジェクト"
                                  "でない本文（bad_request）", "content": _ERROR},
    "TooLarge": {"description": "本文が大きすぎる（16MBまで）", "content": _ERROR},
    "UnsupportedMediaType": {"description": "本文の Content-Type が違う", "content": _ERROR},
    "TooManyRequests": {"description": "このAPIキー（または誤ったキーを送り続けた接続元）の"
                                       "リクエストが多すぎる。Retry-After 秒後に再試行",
                        "headers": _RETRY_AFTER, "content": _ERROR},
    "Unavailable": {"description": "データベースに接続できない（unavailable）。Retry-After "
                                   "秒後に再試行", "headers": _RETRY_AFTER, "content": _ERROR},
}


def _refer(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def with_common_responses(document: dict[str, Any]) -> dict[str, Any]:
    shown = copy.deepcopy(document)
    shown["components"].setdefault("responses", {}).update(COMMON_RESPONSES)
    for name, optional in ALWAYS_PRESENT.items():
        schema = shown["components"]["schemas"][name]
        schema["required"] = sorted(set(schema["properties"]) - set(optional))
    for (path, method), listed in PAGED_LISTS.items():
        _paged(shown["paths"][path][method], listed)
    for item in shown["paths"].values():
        for operation in item.values():
            responses = operation["responses"]
            if operation.get("security") == []:  # public: no key, nothing to refuse
                continue
            responses.setdefault("429", _refer("TooManyRequests"))
            responses.setdefault("503", _refer("Unavailable"))
            body = operation.get("requestBody")
            if body is None:
                continue
            responses.setdefault("413", _refer("TooLarge"))
            if "application/json" in body.get("content", {}):
                responses.setdefault("400", _refer("BadRequest"))
                responses.setdefault("415", _refer("UnsupportedMediaType"))
    return shown


def _paged(operation: dict[str, Any], listed: str) -> None:
    """`limit` and `cursor`, `next_cursor` in the answer, and 422 for a cursor not read."""
    names = {p["name"] for p in PAGE_PARAMETERS}
    kept = [p for p in operation.get("parameters", []) if p["name"] not in names]
    operation["parameters"] = kept + copy.deepcopy(PAGE_PARAMETERS)
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    schema["properties"]["next_cursor"] = _NEXT_CURSOR
    schema["required"] = sorted({*schema.get("required", []), listed, "next_cursor"})
    operation["responses"].setdefault("422", {"$ref": "#/components/responses/Error"})
