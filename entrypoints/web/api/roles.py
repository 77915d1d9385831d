"""Which role each action needs, written from the rules the code enforces (domain/access.py's
`ROLE_PERMISSIONS` and each route's access rule), so the documentation cannot drift from them:
the OpenAPI description of every operation, and docs/roles.md (a test compares the file with
`roles_markdown`; regenerate it with `.venv/bin/python -m entrypoints.roles_doc`)."""

from __future__ import annotations

import copy
import re
from typing import Any

from flask import Flask

from domain.access import DEFAULT_RATE_LIMIT, ROLE_PERMISSIONS, WRITE_SCOPE, Permission
from domain.staff import Role
from entrypoints.web.access import rule_of

__all__ = ["PERMISSION_LABELS", "roles_holding", "roles_markdown", "route_rules", "with_roles"]

PERMISSION_LABELS = {
    Permission.VIEW_PROGRAMS: "給付金・ジョブの閲覧（個人情報なし）",
    Permission.VIEW_DASHBOARD: "ダッシュボードの数字（個人情報なし）",
    Permission.VIEW_JOBS: "ジョブの進み具合",
    Permission.VIEW_RESIDENTS: "住民・証明書の請求の閲覧（閲覧は監査ログに記録）",
    Permission.HANDLE_APPLICATIONS: ("申請の閲覧・紙の申請の入力・口座の確認・"
                                     "郵送リストと申請一覧の出力"),
    Permission.REVIEW_VERIFICATIONS: "本人確認の照合",
    Permission.DECIDE_APPLICATIONS: "申請の決定（支給・不支給）",
    Permission.APPROVE_BATCHES: ("支払データの承認（作成者とは別の人）・"
                                 "申請一覧の口座番号を全桁で出力"),
    Permission.MANAGE_PROGRAMS: "給付金の作成・状態の変更・対象者リストの取り込み・通知の送信",
    Permission.IMPORT_REGISTRY: "住民記録の取り込み",
    Permission.HANDLE_CASES: ("担当する課の案件（お問い合わせ・通報）の閲覧・返信・完了"
                              "（閲覧は監査ログに記録）"),
    Permission.BUILD_PROCEDURES: "手続きの作成・編集・試行・テンプレートの読み込み",
    Permission.PUBLISH_PROCEDURES: "手続きの公開・受付終了",
    Permission.SEND_NOTICES: "配信対象の条件・お知らせの配信・お知らせの分野・自治会の管理",
    Permission.SEND_CIRCULARS: "自分の自治会の回覧板の送信と既読の確認（自治会長）",
    Permission.VIEW_AUDIT_LOG: "監査ログの閲覧と検証",
    Permission.ADMINISTER: "職員とAPIキーの管理",
}
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def roles_holding(permission: Permission) -> list[Role]:
    return [role for role in Role if permission in ROLE_PERMISSIONS.get(role, frozenset())]


def _roles_text(permission: Permission) -> str:
    return "、".join(f"{role.label}（{role.value}）" for role in roles_holding(permission))


def route_rules(app: Flask, prefix: str) -> dict[tuple[str, str], str | Permission]:
    """(method, path as OpenAPI writes it) → the route's access rule, for routes under
    `prefix` (the path keeps the prefix unless it is /api/v1)."""
    found: dict[tuple[str, str], str | Permission] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix):
            continue
        access = rule_of(app.view_functions[rule.endpoint])
        if access is None:  # pragma: no cover - create_app refuses such a route
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        path = path.removeprefix("/api/v1") if prefix.startswith("/api/v1") else path
        for method in sorted((rule.methods or set()) & set(_METHODS)):
            found[(method, path)] = access
    return found


def with_roles(document: dict[str, Any], app: Flask) -> dict[str, Any]:
    """The OpenAPI document with, on each operation, the permission its route needs
    (`x-required-permission`) and the roles that hold it, in its description."""
    shown = copy.deepcopy(document)
    rules = route_rules(app, "/api/v1/")
    for path, item in shown["paths"].items():
        for method, operation in item.items():
            rule = rules.get((method.upper(), path))
            if isinstance(rule, Permission):
                operation["x-required-permission"] = rule.value
                # the scope the key needs, as requires_api_permission checks it (ADR 0072)
                scopes = [rule.value] + ([] if method.upper() == "GET" else [WRITE_SCOPE])
                operation["security"] = [{"apiKey": scopes}]
                needed = (f"必要な権限: {PERMISSION_LABELS[rule]}（{rule.value}）。"
                          f"この権限を持つ役割: {_roles_text(rule)}。"
                          f"必要なスコープ: {'、'.join(scopes)}。")
            else:
                needed = "APIキーは不要です。"
            text = operation.get("description", "")
            operation["description"] = f"{text}\n\n{needed}" if text else needed
    scheme = shown["components"]["securitySchemes"]["apiKey"]
    scheme["description"] += "\n\n" + _scopes_text()
    return shown


def _scopes_text() -> str:
    """The scopes a key may be limited to, for the security scheme's description."""
    lines = ["スコープ: キーは役割の権限のうち選んだものだけに限れます（既定は役割のすべて）。"
             "各操作の security に必要なスコープがあります。スコープのない操作は 403 "
             "missing_scope（足りないスコープの名前を message に示します）。"]
    lines += [f"- {p.value}: {PERMISSION_LABELS[p]}" for p in Permission]
    lines.append(f"- {WRITE_SCOPE}: GET 以外の操作（読み取り専用のキーにはありません）")
    lines.append(f"レート制限: キーごとに1分あたり既定 {DEFAULT_RATE_LIMIT} リクエスト"
                 "（発行時に変更可）。超えると 429 と Retry-After。")
    return "\n".join(lines)


def roles_markdown(app: Flask, document: dict[str, Any]) -> str:
    """docs/roles.md: roles × permissions, then every API operation and staff page with the
    permission it needs and the roles that hold it."""
    roles = list(Role)
    lines = [
        "# Roles: who may do what (役割と権限)",
        "",
        "<!-- Generated from domain/access.py and the routes' access rules by",
        "     `.venv/bin/python -m entrypoints.roles_doc > docs/roles.md`;",
        "     tests/e2e/test_roles_doc.py fails when this file and the code disagree. -->",
        "",
        "Staff accounts and integrators' API keys each have one role. A role holds the",
        "permissions ticked below; anything not ticked is refused (403 from the API, 権限が",
        "ありません on a page). Give a key the least role its work needs:",
        "",
        "- reading programs and job progress: `viewer` (an import's report, which quotes the",
        "  rows it refused, only for those who may run that import);",
        "- handling applications, looking at residents, linking verifications, exporting lists: "
        "`case_worker`;",
        "- deciding applications and approving payment batches (the second person of the",
        "  two-person rule): `approver`;",
        "- creating programs, importing eligibility lists, starting campaigns, importing the",
        "  registry, the audit log, staff and keys: `administrator`.",
        "",
        "Commands on the server (`madoguchi …`) act as the operator, an administrator.",
        "",
        "## Permissions of each role",
        "",
        "| permission | meaning | " + " | ".join(f"{r.label} `{r.value}`" for r in roles) + " |",
        "| --- | --- | " + " | ".join(":---:" for _ in roles) + " |",
    ]
    for permission in Permission:
        ticks = " | ".join("✓" if permission in ROLE_PERMISSIONS[r] else "" for r in roles)
        lines.append(f"| `{permission.value}` | {PERMISSION_LABELS[permission]} | {ticks} |")
    lines += ["", "## REST API (`/api/v1`)", "",
              "The same is in each operation's description in `/api/v1/openapi.json`.", "",
              "| operation | method and path | permission | roles |",
              "| --- | --- | --- | --- |"]
    rules = route_rules(app, "/api/v1/")
    for path, item in sorted(document["paths"].items()):
        for method, operation in sorted(item.items()):
            rule = rules.get((method.upper(), path))
            lines.append(f"| {operation.get('summary', '')} | `{method.upper()} {path}` | "
                         f"{_rule_cell(rule)} | {_roles_cell(rule)} |")
    lines += ["", "## Staff pages (`/staff`)", "",
              "| method and path | permission | roles |", "| --- | --- | --- |"]
    for (method, path), rule in sorted(route_rules(app, "/staff").items(),
                                       key=lambda item: (item[0][1], item[0][0])):
        lines.append(f"| `{method} {path}` | {_rule_cell(rule)} | {_roles_cell(rule)} |")
    return "\n".join(lines) + "\n"


def _rule_cell(rule: str | Permission | None) -> str:
    if isinstance(rule, Permission):
        return f"`{rule.value}`"
    return {"public": "none (public)", "signature": "LINE's signature"}.get(
        str(rule), "signed-in staff")


def _roles_cell(rule: str | Permission | None) -> str:
    if isinstance(rule, Permission):
        return ", ".join(f"`{role.value}`" for role in roles_holding(rule))
    return "anyone" if rule == "public" else "every role"
