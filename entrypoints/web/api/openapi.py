"""The OpenAPI 3.1 document of /api/v1 (a test checks it lists exactly the routes served)."""

from __future__ import annotations

from typing import Any

from entrypoints.web.api.openapi_batches import batch_paths, batch_schemas
from entrypoints.web.api.openapi_benefits import BENEFIT_PATHS, BENEFIT_SCHEMAS
from entrypoints.web.api.openapi_certificates import CERTIFICATE_PATHS, CERTIFICATE_SCHEMAS
from entrypoints.web.api.openapi_common import with_common_responses
from entrypoints.web.api.openapi_households import HOUSEHOLD_PATHS, HOUSEHOLD_SCHEMAS
from entrypoints.web.api.openapi_jobs import job_schemas

__all__ = ["openapi_document"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthenticated"},
    "403": {"$ref": "#/components/responses/Forbidden"},
}
_PROGRAM_ID = {"name": "program_id", "in": "path", "required": True,
               "schema": {"type": "string"}}


def openapi_document() -> dict[str, Any]:
    return with_common_responses(_document())


def _document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Madoguchi API",
            "version": "1",
            "description": "給付金・申請・ジョブを扱う連携用 API。Authorization: Bearer <APIキー>。"
                           "APIキーは一人の職員か一つの組織のもので、二人承認（支払バッチの作成と"
                           "承認、入力した口座の確認）では同じ職員・同じ組織のキーやログインを"
                           "同じ人とみなします（409 same_person / same_staff）。"
                           "エラーは常に {\"error\": {\"code\", \"message\"}} の形で返ります。",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"apiKey": []}],
        "paths": {
            **BENEFIT_PATHS,
            "/programs": {
                "get": {
                    "operationId": "listPrograms",
                    "summary": "給付金の一覧",
                    "responses": {"200": _json({"type": "object", "properties": {
                        "programs": {"type": "array", "items": _ref("Program")}}}, "一覧"),
                        **_ERRORS},
                },
                "post": {
                    "operationId": "createProgram",
                    "summary": "給付金を登録する（準備中の状態で作られます）",
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": _ref("NewProgram")}}},
                    "responses": {
                        "201": _json(_ref("Program"), "登録しました"),
                        "409": {"$ref": "#/components/responses/Error"},
                        "422": {"$ref": "#/components/responses/Error"},
                        **_ERRORS,
                    },
                },
            },
            "/programs/{program_id}": {
                "get": {
                    "operationId": "getProgram",
                    "summary": "給付金",
                    "parameters": [_PROGRAM_ID],
                    "responses": {"200": _json(_ref("Program"), "給付金"),
                                  "404": {"$ref": "#/components/responses/Error"}, **_ERRORS},
                },
            },
            "/programs/{program_id}/status": {
                "post": {
                    "operationId": "changeProgramStatus",
                    "summary": "受付開始・受付終了・取り下げ",
                    "parameters": [_PROGRAM_ID],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"type": "object", "required": ["status"], "properties": {
                            "status": {"enum": ["open", "closed", "withdrawn"]},
                            "reason": {"type": "string", "description":
                                       "取り下げの理由（withdrawn で必須）"}}}}}},
                    "responses": {
                        "200": _json({"type": "object", "properties": {
                            "id": {"type": "string"}, "status": {"type": "string"}}}, "変更後"),
                        "404": {"$ref": "#/components/responses/Error"},
                        "409": {"$ref": "#/components/responses/Error"},
                        "422": {"$ref": "#/components/responses/Error"},
                        **_ERRORS,
                    },
                },
            },
            "/jobs/{job_id}": {
                "get": {
                    "operationId": "getJob",
                    "summary": "長い処理（取込・送信・出力）の進み具合と結果",
                    "parameters": [{"name": "job_id", "in": "path", "required": True,
                                    "schema": {"type": "string"}}],
                    "responses": {"200": _json(_ref("Job"), "ジョブ"),
                                  "404": {"$ref": "#/components/responses/Error"}, **_ERRORS},
                },
            },
            "/verifications": {
                "get": {
                    "operationId": "listVerifications",
                    "summary": "本人確認の照合待ち一覧（候補の住民と並べて）",
                    "parameters": [{"name": "status", "in": "query", "schema": {
                        "enum": ["review", "unmatched", "linked", "rejected"],
                        "default": "review"}}],
                    "responses": {"200": _json({"type": "object", "properties": {
                        "verifications": {"type": "array", "items": _ref("Verification")}}},
                        "一覧"), **_ERRORS},
                },
            },
            "/verifications/{verification_id}/decision": {
                "post": {
                    "operationId": "decideVerification",
                    "summary": "候補の住民と照合する、または照合しない",
                    "parameters": [{"name": "verification_id", "in": "path", "required": True,
                                    "schema": {"type": "string"}}],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"type": "object", "properties": {
                            "link_to": {"type": "string", "description": "候補の住民ID"},
                            "reject": {"type": "string", "description": "照合しない理由"}}}}}},
                    "responses": {
                        "200": _json({"type": "object", "properties": {
                            "id": {"type": "string"}, "status": {"type": "string"},
                            "resident_id": {"type": ["string", "null"]}}}, "決定後"),
                        "404": {"$ref": "#/components/responses/Error"},
                        "409": {"$ref": "#/components/responses/Error"},
                        "422": {"$ref": "#/components/responses/Error"},
                        **_ERRORS,
                    },
                },
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "この文書",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 文書"}},
                },
            },
            **batch_paths(),
            **CERTIFICATE_PATHS,
            **HOUSEHOLD_PATHS,
        },
        "components": {
            "securitySchemes": {"apiKey": {
                "type": "http", "scheme": "bearer",
                "description": "madoguchi apikey create --staff LOGIN_ID または --organisation "
                               "NAME で発行（--scope PERMISSION（複数可）・--read-only・"
                               "--rate-limit N で制限）"}},
            "responses": {
                "Error": _json(_ref("Error"), "エラー"),
                "Unauthenticated": _json(_ref("Error"), "APIキーがない、または無効"),
                "Forbidden": _json(_ref("Error"), "このAPIキーの役割では実行できない（forbidden）、"
                                                  "またはキーにスコープがない（missing_scope）"),
            },
            "schemas": {
                **BENEFIT_SCHEMAS,
                "Error": {"type": "object", "required": ["error"], "properties": {
                    "error": {"type": "object", "required": ["code", "message"], "properties": {
                        "code": {"type": "string"}, "message": {"type": "string"}}}}},
                "NewProgram": {
                    "type": "object",
                    "required": ["name", "amount_per_household", "eligibility_source",
                                 "opens_at", "closes_at", "payout_methods"],
                    "properties": {
                        "name": {"type": "string", "maxLength": 100},
                        "amount_per_household": {"type": "integer", "minimum": 1,
                                                 "maximum": 10_000_000,
                                                 "description": "円"},
                        "eligibility_source": {"type": "string"},
                        "opens_at": {"type": "string", "format": "date-time"},
                        "closes_at": {"type": "string", "format": "date-time"},
                        "payout_methods": {"type": "array", "minItems": 1, "items": {
                            "enum": ["bank_transfer", "atm_cash", "e_money"]}},
                        "notice_text": {"type": "string"},
                        "decision_text": {"type": "string"},
                        "rejection_text": {"type": "string"},
                    },
                },
                "Program": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "amount_per_household": {"type": "integer"},
                        "eligibility_source": {"type": "string"},
                        "opens_at": {"type": "string", "format": "date-time"},
                        "closes_at": {"type": "string", "format": "date-time"},
                        "payout_methods": {"type": "array", "items": {"type": "string"}},
                        "status": {"enum": ["draft", "open", "closed", "withdrawn"]},
                        "notice_text": {"type": "string"},
                        "decision_text": {"type": "string"},
                        "rejection_text": {"type": "string"},
                    },
                },
                "Facts": {"type": "object", "properties": {
                    "name": {"type": "string"}, "kana": {"type": ["string", "null"]},
                    "address": {"type": "string"}, "postal_code": {"type": ["string", "null"]},
                    "date_of_birth": {"type": "string", "format": "date"},
                    "sex": {"type": "string"}}},
                "Verification": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "status": {"enum": ["review", "unmatched", "linked", "rejected"]},
                        "outcome": {"enum": ["exact", "ambiguous", "near", "none"]},
                        "reason": {"type": "string"},
                        "provider": {"type": "string"},
                        "verified_at": {"type": "string", "format": "date-time"},
                        "facts": _ref("Facts"),
                        "candidates": {"type": "array", "items": {"type": "object", "properties": {
                            "resident_id": {"type": "string"},
                            "resident_number": {"type": "string"},
                            "registry_status": {"type": "string"},
                            "facts": _ref("Facts"),
                            "same": {"type": "array", "items": {"type": "string"},
                                     "description": "facts equal to the card's (氏名, 住所, …)"},
                            "different": {"type": "array", "items": {"type": "string"},
                                          "description": "facts that differ from the card's"},
                        }}},
                    },
                },
                **job_schemas(),
                **batch_schemas(),
                **CERTIFICATE_SCHEMAS,
                **HOUSEHOLD_SCHEMAS,
            },
        },
    }
