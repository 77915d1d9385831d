"""The OpenAPI shape of a job (GET /jobs/{job_id}, and the jobs an import or a campaign
answers with): one schema per job kind, told apart by `name`, each with the `result` that
kind's code builds (entrypoints/jobs.py: the reports' `to_json`, the senders' counts);
tests/e2e/test_api_schema.py and test_api_types.py validate the jobs the API answers with."""

from __future__ import annotations

from typing import Any

from application.benefits.reminding_send import SEND_REMINDER
from application.benefits.sending_campaign import SEND_CAMPAIGN
from application.notices.sending import SEND_NOTICE
from entrypoints.jobs import (
    IMPORT_ELIGIBILITY,
    IMPORT_REGISTRY,
    IMPORT_REGISTRY_UPLOAD,
    KEEP_ATTACHMENT,
    SEED_DEMO_TOWN,
)

__all__ = ["JOB_KINDS", "job_schemas"]

_INT = {"type": "integer", "minimum": 0}
_SUMMARY = {"type": "string", "description": "職員が読む結果の説明（日本語）"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _result(description: str, properties: dict[str, Any], *,
            required: tuple[str, ...] | None = None) -> dict[str, Any]:
    return {"type": "object", "description": description, "properties": properties,
            "required": sorted(properties if required is None else required)}


_ROW_ERRORS = {"type": "array", "items": _ref("RowError"),
               "description": "最初の誤り（行番号順）"}
_REGISTRY = _result("住民記録の取り込みの報告", {
    "summary": _SUMMARY, "written": {"type": "boolean", "description": "取り込んだか"},
    "rows_read": _INT, "valid": _INT, "error_count": _INT, "created": _INT,
    "updated": _INT, "unchanged": _INT, "removed": _INT, "households_created": _INT,
    "households_updated": _INT, "notes": {"type": "array", "items": {"type": "string"}},
    "errors": _ROW_ERRORS})

# kind → (the schema's name, its result when the job has succeeded)
JOB_KINDS: dict[str, tuple[str, dict[str, Any]]] = {
    IMPORT_ELIGIBILITY: ("EligibilityImportJob", _result("対象世帯リストの取り込みの報告", {
        "summary": _SUMMARY,
        "written": {"type": "boolean", "description": "取り込んだか（all_or_nothing で誤りが"
                                                      "あれば false）"},
        "rows_read": _INT, "valid": _INT,
        "added": {**_INT, "description": "新たに対象に加えた世帯数"},
        "already": {**_INT, "description": "すでに対象だった世帯数（ファイル内の重複を含む）"},
        "errors": _ROW_ERRORS, "error_count": _INT,
        "unknown": {"type": "array", "items": _ref("RowError"),
                    "description": "住民基本台帳にない世帯番号・宛名番号の行"},
        "unknown_count": {**_INT, "description": "住民基本台帳にない番号の件数"},
        "reach": {"oneOf": [_ref("Reach"), {"type": "null"}],
                  "description": "取り込み後の対象世帯の内訳（取り込まなかったときは null）"}})),
    IMPORT_REGISTRY: ("RegistryImportJob", _REGISTRY),
    IMPORT_REGISTRY_UPLOAD: ("RegistryUploadImportJob", _REGISTRY),
    SEND_CAMPAIGN: ("CampaignJob", _result("給付金の通知の送信結果", {
        "summary": _SUMMARY, "sent": {**_INT, "description": "この実行で通知した世帯数"},
        "considered": {**_INT, "description": "確認した世帯数"},
        "already_notified": _INT, "applied": _INT, "postal": _INT, "eligible": _INT})),
    SEND_REMINDER: ("ReminderJob", _result("督促の送信結果", {
        "summary": _SUMMARY, "sent": _INT, "considered": _INT,
        "delivered": {**_INT, "description": "この督促を受け取った世帯の合計（受付中でなく"
                                             "送らなかったときは省略）"}},
        required=("summary", "sent", "considered"))),
    SEND_NOTICE: ("NoticeJob", _result("お知らせの配信結果", {
        "summary": _SUMMARY, "sent": _INT, "considered": _INT, "unreached": _INT,
        "declined": _INT, "skipped": _INT}, required=("summary", "sent"))),
    KEEP_ATTACHMENT: ("KeepAttachmentJob", _result("添付ファイルの保存", {
        "kept": {"type": "boolean"}})),
    SEED_DEMO_TOWN: ("SeedDemoTownJob", {"type": "object", "description": "デモ用データの件数"
                                                                          "（項目は版により変わります）"}),
}


def job_schemas() -> dict[str, Any]:
    """`Job` (one of the kinds, by `name`), each kind's schema, and the shared parts."""
    base = {"type": "object", "required": ["id", "name", "status", "progress", "result",
                                           "error", "created_at", "finished_at"],
            "properties": {
                "id": {"type": "string"},
                "status": {"enum": ["queued", "running", "succeeded", "failed"]},
                "progress": {"type": "object", "required": ["done", "total"], "properties": {
                    "done": _INT, "total": _INT}},
                "error": {"type": ["string", "null"]},
                "created_at": {"type": "string", "format": "date-time"},
                "finished_at": {"type": ["string", "null"], "format": "date-time"}}}
    schemas: dict[str, Any] = {
        "JobBase": base,
        "RowError": {"type": "object", "required": ["row", "column", "message"], "properties": {
            "row": {"type": ["integer", "null"], "description": "ファイルの行番号"},
            "column": {"type": ["string", "null"]}, "message": {"type": "string"}}},
        "Job": {
            "description": "長い処理。name（ジョブの種類）で result の形が決まります。result は"
                           "完了（succeeded）するまで空のオブジェクトです。",
            "oneOf": [_ref(name) for name, _ in JOB_KINDS.values()],
            "discriminator": {"propertyName": "name", "mapping": {
                kind: f"#/components/schemas/{name}" for kind, (name, _) in JOB_KINDS.items()}},
        },
    }
    for kind, (name, result) in JOB_KINDS.items():
        schemas[name] = {"allOf": [_ref("JobBase"), {"type": "object", "properties": {
            "name": {"const": kind},
            "result": {"oneOf": [{"type": "object", "maxProperties": 0}, result]}}}]}
    return schemas
