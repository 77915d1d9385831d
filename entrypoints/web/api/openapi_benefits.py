"""The OpenAPI paths and schemas of the benefit routes (entrypoints/web/api/benefits.py)."""

from __future__ import annotations

from typing import Any

from domain.benefits import ApplicationStatus

__all__ = ["BENEFIT_PATHS", "BENEFIT_SCHEMAS"]

_ERR = {"$ref": "#/components/responses/Error"}
_STATUSES = [s.value for s in ApplicationStatus]
_AUTH = {"401": {"$ref": "#/components/responses/Unauthenticated"},
         "403": {"$ref": "#/components/responses/Forbidden"}}
_PROGRAM_ID = {"name": "program_id", "in": "path", "required": True, "schema": {"type": "string"}}
_APPLICATION_ID = {"name": "application_id", "in": "path", "required": True,
                   "schema": {"type": "string"}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_EXPORT_DESCRIPTION = (
    "申請した世帯（通知のみ・辞退を除く）を世帯番号順に、列は 世帯番号, 氏名, カナ, 住所, 申請日, "
    "申請方法, 決定, 決定日, 金額, 支払方法, 金融機関, 支店, 口座種別, 口座番号。日付は日本時間。"
    "口座番号は支払データを承認できる役割（決裁者・管理者）のときだけ全桁、それ以外は ＊＊＊＊567。"
    "= + - @ などで始まるセルは先頭に ' を付けて数式として実行されないようにしています。"
    "出力のたびに監査ログに1件記録されます。")

BENEFIT_PATHS: dict[str, Any] = {
    "/programs/{program_id}/eligibility": {
        "post": {
            "operationId": "importEligibility",
            "summary": "対象世帯リスト（CSV: 世帯番号 または 宛名番号）を取り込む（ジョブ）",
            "parameters": [_PROGRAM_ID, {"name": "mode", "in": "query", "schema": {
                "enum": ["all_or_nothing", "valid_rows"]}}],
            "requestBody": {"required": True, "content": {
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {"schema": {"type": "object", "properties": {
                    "file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"202": _json(_ref("Job"), "取り込みを始めました。結果はジョブの result"),
                          "404": _ERR, "422": _ERR, **_AUTH},
        },
        "get": {
            "operationId": "eligibilitySplit",
            "summary": "対象世帯の内訳（LINE・SMS・メールで通知できる・郵送）",
            "parameters": [_PROGRAM_ID],
            "responses": {"200": _json(_ref("Reach"), "内訳"), "404": _ERR, **_AUTH},
        },
    },
    "/programs/{program_id}/campaigns/preview": {
        "get": {
            "operationId": "previewCampaign",
            "summary": "通知の送信前確認: 送る世帯数と、実際に届くメッセージ",
            "parameters": [_PROGRAM_ID],
            "responses": {"200": _json(_ref("CampaignPreview"), "確認"), "404": _ERR,
                          "409": _ERR, **_AUTH},
        },
    },
    "/programs/{program_id}/campaigns": {
        "post": {
            "operationId": "startCampaign",
            "summary": "通知を送る（ジョブ）。再実行しても同じ世帯に二度は送りません",
            "parameters": [_PROGRAM_ID],
            "responses": {"202": _json(_ref("Campaign"), "送信を始めました"), "404": _ERR,
                          "409": _ERR, **_AUTH},
        },
        "get": {
            "operationId": "listCampaigns",
            "summary": "送信の一覧と進み具合、通知の送信結果",
            "parameters": [_PROGRAM_ID],
            "responses": {"200": _json({"type": "object", "properties": {
                "campaigns": {"type": "array", "items": _ref("Campaign")},
                "notice_outcomes": {"type": "object", "additionalProperties": {
                    "type": "integer"}}}}, "一覧"), "404": _ERR, **_AUTH},
        },
    },
    "/programs/{program_id}/applications": {
        "get": {
            "operationId": "listApplications",
            "summary": "申請の一覧（状態・経路・口座確認待ちで絞り込み）",
            "parameters": [
                _PROGRAM_ID,
                {"name": "status", "in": "query", "schema": {"type": "array", "items": {
                    "enum": _STATUSES}}, "explode": True},
                {"name": "channel", "in": "query", "schema": {"type": "string"}},
                {"name": "awaiting_account_check", "in": "query", "schema": {
                    "enum": ["true", "false"]}},
                {"name": "offset", "in": "query", "deprecated": True,
                 "description": "旧式のページ送り（確認日時順）。cursor を使ってください",
                 "schema": {"type": "integer", "minimum": 0}},
            ],
            "responses": {"200": _json({"type": "object", "properties": {
                "applications": {"type": "array", "items": _ref("Application")},
                "counts": {"type": "object", "additionalProperties": {"type": "integer"}}}},
                "一覧"), "404": _ERR, "422": _ERR, **_AUTH},
        },
    },
    "/applications/{application_id}": {
        "get": {
            "operationId": "getApplication",
            "summary": "申請（振込先口座を含む。閲覧は記録されます）",
            "parameters": [_APPLICATION_ID],
            "responses": {"200": _json(_ref("Application"), "申請"), "404": _ERR, **_AUTH},
        },
    },
    "/applications/{application_id}/passbook": {
        "get": {
            "operationId": "passbookPhoto",
            "summary": "住民が送った通帳の写真（閲覧は記録されます）",
            "parameters": [_APPLICATION_ID],
            "responses": {"200": {"description": "画像", "content": {"image/*": {
                "schema": {"type": "string", "format": "binary"}}}}, "404": _ERR, **_AUTH},
        },
    },
    "/applications/{application_id}/account-check": {
        "post": {
            "operationId": "checkAccount",
            "summary": "通帳の写真と入力された口座を照合したことを記録する",
            "parameters": [_APPLICATION_ID],
            "responses": {"200": _json(_ref("Application"), "記録しました"), "404": _ERR,
                          "409": _ERR, **_AUTH},
        },
    },
    "/programs/{program_id}/decisions": {
        "post": {
            "operationId": "decideApplications",
            "summary": "支給決定・不支給決定（一括可）。決定通知を住民のLINEに送ります",
            "description": "一部の申請を決定できなかったときも 200 です。申請ごとの結果"
                           "（approved / rejected / refused と理由）は outcomes に、すべて決定"
                           "できたかは all_decided にあります。",
            "parameters": [_PROGRAM_ID],
            "requestBody": _body({"type": "object", "required": ["decision", "application_ids"],
                                  "properties": {
                                      "decision": {"enum": ["approve", "reject"]},
                                      "application_ids": {"type": "array", "items": {
                                          "type": "string"}, "maxItems": 5000},
                                      "reason": {"type": "string"}}}),
            "responses": {"200": _json(_ref("DecisionReport"), "結果"), "404": _ERR,
                          "422": _ERR, **_AUTH},
        },
    },
    "/programs/{program_id}/paper-applications": {
        "post": {
            "operationId": "enterPaperApplication",
            "summary": "郵送で届いた申請書を入力する（1世帯1回）",
            "parameters": [_PROGRAM_ID],
            "requestBody": _body({"type": "object",
                                  "required": ["household_number", "payout_method"],
                                  "properties": {
                                      "household_number": {"type": "string"},
                                      "payout_method": {"enum": ["bank_transfer", "atm_cash",
                                                                 "e_money"]},
                                      "received_on": {"type": "string", "format": "date"},
                                      "account": _ref("PaperAccount")}}),
            "responses": {"201": _json(_ref("Application"), "入力しました"), "404": _ERR,
                          "409": _ERR, "422": _ERR, **_AUTH},
        },
    },
    "/programs/{program_id}/postal.csv": {
        "get": {
            "operationId": "postalList",
            "summary": "郵送で案内する世帯の一覧（差し込み印刷用 CSV, CP932）",
            "parameters": [_PROGRAM_ID],
            "responses": {"200": {"description": "CSV", "content": {"text/csv": {
                "schema": {"type": "string"}}}}, "404": _ERR, **_AUTH},
        },
    },
    "/programs/{program_id}/applications.csv": {
        "get": {
            "operationId": "exportApplicationsCsv",
            "summary": "申請と決定の一覧（決裁・会計用 CSV, CP932）",
            "description": _EXPORT_DESCRIPTION,
            "parameters": [_PROGRAM_ID],
            "responses": {"200": {"description": "CSV（CP932, CRLF）", "content": {"text/csv": {
                "schema": {"type": "string"}}}}, "404": _ERR, **_AUTH},
        },
    },
    "/programs/{program_id}/applications.xlsx": {
        "get": {
            "operationId": "exportApplicationsXlsx",
            "summary": "申請と決定の一覧（決裁・会計用 Excel）",
            "description": _EXPORT_DESCRIPTION,
            "parameters": [_PROGRAM_ID],
            "responses": {"200": {"description": "Excel ブック", "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}}}}, "404": _ERR, **_AUTH},
        },
    },
}

BENEFIT_SCHEMAS: dict[str, Any] = {
    "Reach": {"type": "object", "properties": {
        "eligible": {"type": "integer"}, "notified": {"type": "integer"},
        "applied": {"type": "integer"}, "to_notify": {"type": "integer"},
        "postal": {"type": "integer"}, "reachable": {"type": "integer"}}},
    "CampaignPreview": {"type": "object", "properties": {
        "recipients": {"type": "integer"}, "already_notified": {"type": "integer"},
        "applied": {"type": "integer"}, "postal": {"type": "integer"},
        "by_channel": {"type": "object", "additionalProperties": {"type": "integer"},
                       "description": "the households to notify by the channel their notice "
                                      "goes on under the town's ladder (line, sms, email)"},
        "example": {"type": ["object", "null"]}}},
    "Campaign": {"type": "object", "properties": {
        "id": {"type": "string"}, "program_id": {"type": "string"},
        "recipients": {"type": "integer"}, "started_at": {"type": "string",
                                                          "format": "date-time"},
        "job": _ref("Job")}},
    "Account": {"type": "object", "properties": {
        "bank_code": {"type": "string"}, "branch_code": {"type": "string"},
        "account_type": {"enum": ["1", "2", "4", "9"]}, "number": {"type": "string"},
        "holder_kana": {"type": "string"}}},
    "PaperAccount": {"allOf": [_ref("Account"), {"type": "object", "properties": {
        "yucho_symbol": {"type": "string", "description": "ゆうちょ銀行の通帳の記号（5桁）"},
        "yucho_number": {"type": "string", "description": "ゆうちょ銀行の通帳の番号（8桁まで）。"
                         "記号と番号は店番・種目・口座番号に変換される"}}}]},
    "Application": {"type": "object", "required": [
        "id", "program_id", "household_id", "household_number", "status", "status_label",
        "channel", "payout_method", "amount", "notified_at", "confirmed_at", "decided_at",
        "decision_reason", "awaits_account_check", "account_masked"], "properties": {
        "id": {"type": "string"}, "program_id": {"type": "string"},
        "household_id": {"type": "string", "description": "内部の世帯ID"},
        "household_number": {"type": "string", "description": "世帯番号（住民記録の番号。"
                                                             "GET /households/{number} で世帯を"
                                                             "調べられます）"},
        "status": {"enum": _STATUSES},
        "status_label": {"type": "string"}, "channel": {"type": "string"},
        "payout_method": {"type": ["string", "null"]}, "amount": {"type": ["integer", "null"]},
        "notified_at": {"type": ["string", "null"]}, "confirmed_at": {"type": ["string", "null"]},
        "decided_at": {"type": ["string", "null"]}, "decision_reason": {"type": "string"},
        "awaits_account_check": {"type": "boolean"},
        "account_masked": {"type": ["string", "null"]}, "account": _ref("Account"),
        "passbook_photo": {"type": ["string", "null"]}}},
}
