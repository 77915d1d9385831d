"""The payment batch part of the OpenAPI document (merged into openapi.py)."""

from __future__ import annotations

from typing import Any

__all__ = ["batch_paths", "batch_schemas"]

_ERR = {"$ref": "#/components/responses/Error"}
_AUTH = {"401": {"$ref": "#/components/responses/Unauthenticated"},
         "403": {"$ref": "#/components/responses/Forbidden"}}
_BATCH_ID = {"name": "batch_id", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "バッチのID、または通し番号"}


_COUNT = {"type": "integer", "minimum": 0}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def batch_paths() -> dict[str, Any]:
    return {
        "/batches": {
            "get": {
                "operationId": "listBatches", "summary": "支払バッチの一覧（新しい順）",
                "parameters": [{"name": "program_id", "in": "query",
                                "schema": {"type": "string"}}],
                "responses": {"200": _json({"type": "object", "properties": {
                    "batches": {"type": "array", "items": _ref("Batch")}}}, "一覧"), **_AUTH},
            },
            "post": {
                "operationId": "createBatch",
                "summary": "支給決定済みの申請を支払バッチにまとめる（承認は別の人が行います）",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["program_id"], "properties": {
                        "program_id": {"type": "string"},
                        "method": {"enum": ["bank_transfer", "atm_cash"],
                                   "default": "bank_transfer"},
                        "transfer_date": {"type": "string", "format": "date",
                                          "description": "銀行営業日。省略時は2日後以降の"
                                                         "最初の営業日"}}}}}},
                "responses": {"201": _json(_ref("Batch"), "作成しました"), "404": _ERR,
                              "409": _ERR, "422": _ERR, **_AUTH},
            },
        },
        "/batches/{batch_id}": {
            "get": {
                "operationId": "getBatch", "summary": "支払バッチと操作の記録",
                "parameters": [_BATCH_ID],
                "responses": {"200": _json(_ref("Batch"), "バッチ"), "404": _ERR, **_AUTH},
            },
        },
        "/batches/{batch_id}/approval": {
            "post": {
                "operationId": "approveBatch",
                "summary": "支払バッチを承認する（作成者とは別の職員・組織）",
                "description": ("作成した職員・組織は、別のAPIキーやログインでも承認できません"
                                "（409 same_person）。"),
                "parameters": [_BATCH_ID],
                "responses": {"200": _json(_ref("Batch"), "承認後"), "404": _ERR, "409": _ERR,
                              **_AUTH},
            },
        },
        "/batches/{batch_id}/cancellation": {
            "post": {
                "operationId": "cancelBatch", "summary": "振込データ作成前の支払バッチを取り消す",
                "parameters": [_BATCH_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["reason"],
                    "properties": {"reason": {"type": "string"}}}}}},
                "responses": {"200": _json(_ref("Batch"), "取消後"), "404": _ERR, "409": _ERR,
                              "422": _ERR, **_AUTH},
            },
        },
        "/batches/{batch_id}/transfer-file": {
            "post": {
                "operationId": "exportTransferFile",
                "summary": "全銀協 総合振込データ（CP932、120バイト固定長）。2回目以降は同じ"
                           "バイト列で、支払は増えません",
                "parameters": [_BATCH_ID, {"name": "line_endings", "in": "query", "schema": {
                    "enum": ["crlf", "none"], "default": "crlf"}}],
                "responses": {"200": {"description": "振込データ", "content": {
                    "application/octet-stream": {"schema": {"type": "string",
                                                            "format": "binary"}}}},
                              "404": _ERR, "409": _ERR, "422": _ERR, **_AUTH},
            },
        },
        "/batches/{batch_id}/results": {
            "post": {
                "operationId": "importBatchResults",
                "summary": "銀行の振込結果を取り込む（一部でも不明なレコードがあれば何も変更"
                           "しません）",
                "parameters": [_BATCH_ID,
                               {"name": "kind", "in": "query", "schema": {
                                   "enum": ["zengin", "csv", "returned"], "default": "csv"}},
                               {"name": "settle_rest", "in": "query",
                                "schema": {"type": "boolean", "default": False}}],
                "requestBody": {"required": True, "content": {
                    "application/octet-stream": {"schema": {"type": "string",
                                                            "format": "binary"}}}},
                "responses": {"200": _json(_ref("BatchResults"), "取込結果"), "404": _ERR,
                              "409": _ERR, "422": _ERR, **_AUTH},
            },
        },
        "/applications/{application_id}/repayment": {
            "post": {
                "operationId": "repayApplication",
                "summary": "支払不能の申請を、確認済みの口座へ再支払する（次のバッチに入ります）",
                "description": ("account を省くと、申請の確認済みの口座（住民が送り直し、通帳の"
                                "写真で確認した口座）へ再支払します。account を指定すると、その"
                                "口座を申請に保存し、入力したキーの職員・組織とは別の職員・組織に"
                                "よる口座の確認（account-check）を待ちます（202）。"),
                "parameters": [{"name": "application_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"account": {
                        "type": "object",
                        "required": ["bank_code", "branch_code", "number", "holder"],
                        "properties": {
                            "bank_code": {"type": "string"}, "branch_code": {"type": "string"},
                            "account_type": {"enum": ["1", "2", "4", "9"]},
                            "number": {"type": "string"},
                            "holder": {"type": "string", "description": "口座名義（カナ）"}}}}}}}},
                "responses": {"201": _json(_ref("Repayment"), "再支払を登録しました"),
                              "202": _json({"type": "object",
                                            "required": ["disbursement_id", "status"],
                                            "properties": {
                                                "disbursement_id": {"type": "null"},
                                                "status": {"const": "account_awaiting_check"}}},
                                           "口座を保存しました（別の職員の確認待ち）"),
                              "404": _ERR, "409": _ERR, "422": _ERR, **_AUTH},
            },
        },
        "/programs/{program_id}/ledger": {
            "get": {
                "operationId": "getProgramLedger",
                "summary": "支払の台帳: 支払済 + 支払不能 + 支払待ち = 支給決定額",
                "parameters": [{"name": "program_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": _json({"type": "object", "properties": {
                    "approved": {"type": "integer"}, "paid": {"type": "integer"},
                    "failed": {"type": "integer"}, "pending": {"type": "integer"},
                    "balanced": {"type": "boolean"},
                    "discrepancies": {"type": "array", "items": {"type": "string"}}}}, "台帳"),
                    "404": _ERR, **_AUTH},
            },
        },
    }


def batch_schemas() -> dict[str, Any]:
    return {
        "Batch": {"type": "object", "properties": {
            "id": {"type": "string"}, "number": {"type": "integer"},
            "program_id": {"type": "string"},
            "method": {"enum": ["bank_transfer", "atm_cash"]},
            "transfer_date": {"type": "string", "format": "date"},
            "count": {"type": "integer"}, "total": {"type": "integer", "description": "円"},
            "state": {"enum": ["draft", "approved", "exported", "settled", "partly_failed",
                               "cancelled"]},
            "created_by": {"type": "string"}, "created_at": {"type": "string"},
            "approved_by": {"type": ["string", "null"]},
            "approved_at": {"type": ["string", "null"]},
            "exported_by": {"type": ["string", "null"]},
            "exported_at": {"type": ["string", "null"]},
            "export_sha256": {"type": ["string", "null"]},
            "audit": {"type": "array", "items": {
                "type": "object", "required": ["at", "actor", "action", "disbursement_id",
                                               "detail"],
                "properties": {"at": {"type": "string", "format": "date-time"},
                               "actor": {"type": "string"}, "action": {"type": "string"},
                               "disbursement_id": {"type": ["string", "null"]},
                               "detail": {"type": ["string", "null"]}}}}}},
        "BatchResults": {"type": "object", "required": [
            "batch", "settled", "failed", "unchanged", "notified", "failures"], "properties": {
            "batch": _ref("Batch"), "settled": _COUNT, "failed": _COUNT, "unchanged": _COUNT,
            "notified": {**_COUNT, "description": "支払不能を住民に知らせた数"},
            "failures": {"type": "array", "items": {
                "type": "object", "required": ["disbursement_id", "reason"],
                "properties": {"disbursement_id": {"type": "string"},
                               "reason": {"type": "string"}}}}}},
        "Repayment": {"type": "object", "required": ["disbursement_id", "status", "amount"],
                      "properties": {"disbursement_id": {"type": "string"},
                                     "status": {"type": "string"},
                                     "amount": {"type": "integer", "description": "円"}}},
    }
