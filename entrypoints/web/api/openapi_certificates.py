"""The certificate issue queue's part of the OpenAPI document (see openapi.py)."""

from __future__ import annotations

from typing import Any

__all__ = ["CERTIFICATE_PATHS", "CERTIFICATE_SCHEMAS"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERROR = {"$ref": "#/components/responses/Error"}
_AUTH = {"401": {"$ref": "#/components/responses/Unauthenticated"},
         "403": {"$ref": "#/components/responses/Forbidden"}}
_ID = {"name": "request_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _action(operation: str, summary: str, body: dict[str, Any] | None = None,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": operation, "summary": summary, "parameters": [_ID],
        "responses": {"200": _json(_ref("CertificateRequest"), "処理しました"),
                      "404": _ERROR, "409": _ERROR, "422": _ERROR, **(extra or {}), **_AUTH},
    }
    if body is not None:
        spec["requestBody"] = {"required": False, "content": {"application/json": {
            "schema": body}}}
    return spec


CERTIFICATE_PATHS: dict[str, Any] = {
    "/certificate-requests": {
        "get": {
            "operationId": "listCertificateRequests",
            "summary": "証明書の交付待ちの一覧（支払済み、支払の古い順）",
            "parameters": [{"name": "state", "in": "query", "required": False,
                            "description": "既定は交付待ちと交付済み（未郵送）",
                            "schema": {"enum": ["waiting", "issued", "mailed", "rejected"]}}],
            "responses": {"200": _json({"type": "object", "properties": {
                "certificate_requests": {"type": "array",
                                         "items": _ref("CertificateRequest")}}}, "一覧"),
                "422": _ERROR, **_AUTH},
        },
    },
    "/certificate-requests/{request_id}": {
        "get": {
            "operationId": "getCertificateRequest",
            "summary": "請求の詳細と、請求者・対象者の確認済みの住民情報（閲覧は記録されます）",
            "parameters": [_ID],
            "responses": {"200": _json(_ref("CertificateRequestFile"), "詳細"),
                          "404": _ERROR, **_AUTH},
        },
    },
    "/certificate-requests/{request_id}/slip.pdf": {
        "get": {
            "operationId": "printCertificateRequestSlip",
            "summary": "交付請求書（PDF）を印刷する（閲覧は記録されます）",
            "parameters": [_ID],
            "responses": {"200": {"description": "PDF", "content": {"application/pdf": {
                "schema": {"type": "string", "format": "binary"}}}},
                "404": _ERROR, **_AUTH},
        },
    },
    "/certificate-requests/{request_id}/issue": {
        "post": _action("issueCertificateRequest", "交付済みにする（住民に通知されます）"),
    },
    "/certificate-requests/{request_id}/mail": {
        "post": _action("mailCertificateRequest", "郵送済みにする（追跡番号は任意。住民に通知"
                                                  "されます）",
                        {"type": "object", "properties": {
                            "tracking_number": {"type": ["string", "null"], "maxLength": 64,
                                                "description": "null は省略と同じ"}}}),
    },
    "/certificate-requests/{request_id}/reject": {
        "post": _action("rejectCertificateRequest", "交付できないとして理由を伝え、手数料を同じ"
                                                    "決済サービスで返金する",
                        {"type": "object", "required": ["reason"], "properties": {
                            "reason": {"type": "string", "maxLength": 500}}},
                        {"502": _ERROR}),
    },
}

_MOMENT = {"type": ["string", "null"], "format": "date-time"}

CERTIFICATE_SCHEMAS: dict[str, Any] = {
    "CertificateRequest": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "receipt_number": {"type": "string"},
            "kind": {"enum": ["resident_record", "seal_registration", "income", "taxation"]},
            "kind_label": {"type": "string"},
            "copies": {"type": "integer", "minimum": 1, "maximum": 10},
            "items": {"type": "array", "items": {"type": "string"}},
            "purpose": {"type": "string"},
            "delivery": {"enum": ["post"]},
            "for_self": {"type": "boolean"},
            "fee_per_copy": {"type": "integer", "description": "円"},
            "postage": {"type": "integer", "description": "円"},
            "total": {"type": "integer", "description": "円"},
            "payment_state": {"enum": ["unpaid", "pending", "paid", "refunded"]},
            "payment_provider": {"type": ["string", "null"]},
            "issue_state": {"enum": ["waiting", "issued", "mailed", "rejected", "withdrawn"]},
            "tracking_number": {"type": ["string", "null"]},
            "rejection_reason": {"type": ["string", "null"]},
            "requested_at": _MOMENT, "paid_at": _MOMENT, "issued_at": _MOMENT,
            "mailed_at": _MOMENT, "refunded_at": _MOMENT,
        },
    },
    "CertificatePerson": {
        "type": ["object", "null"],
        "properties": {
            "resident_id": {"type": "string"},
            "resident_number": {"type": ["string", "null"]},
            "registry_status": {"type": "string"},
            "facts": _ref("Facts"),
            "verified": {"type": "boolean"},
            "verified_by": {"type": ["string", "null"]},
            "verified_at": _MOMENT,
        },
    },
    "CertificateRequestFile": {
        "allOf": [_ref("CertificateRequest"), {"type": "object", "properties": {
            "requester": _ref("CertificatePerson"), "subject": _ref("CertificatePerson")}}],
    },
}
