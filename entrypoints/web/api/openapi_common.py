"""What every operation of /api/v1 may answer besides its own responses, added to the document
in one place (as with_roles adds the roles) so that no operation forgets one: the one error
shape for a bad body (400, 413, 415), a key's refusal (401, 403, 429 with Retry-After) and
the database out of reach (503 with Retry-After)."""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["COMMON_RESPONSES", "with_common_responses"]

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
