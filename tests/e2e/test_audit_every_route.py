"""Every staff or API action that changes state or shows personal data leaves exactly one audit
record, by whoever acted, in the same transaction as the change.

`ROUTES` has one entry per route of the app (method and rule as `app.url_map` lists them): how to
call it once successfully in the town of tests/support/every_route_town.py, who calls it, and the
audit action the call leaves, or None and why it leaves none. A route missing from the table fails
the first test, so a new route cannot escape the rule. Personal data, for deciding a look: names,
addresses, dates of birth, bank accounts, passbook photos, household numbers with their benefit
status; counts, program settings, batch totals and ids are not."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from flask import Flask
from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from adapters.banks.zengin_master import ZenginBankMaster
from domain.staff import Role
from entrypoints.containers import Container
from entrypoints.web.staff.audit_actions import ACTIONS
from tests.e2e.staff_support import PASSWORD, sign_in, token
from tests.support import resident_routes as web
from tests.support.built_procedures_seed import built_template
from tests.support.calling_routes import (
    CommitRefused,
    Route,
    acting,
    anyone,
    api,
    audit_head,
    audit_since,
    call,
    every_row,
    refusing_audited_commits,
    resident,
    staff,
)
from tests.support.every_route_town import PASSBOOK_PHOTO, Town, seed_town, totp_code
from tests.support.town_snapshots import seeded
from tests.support.webhook_routes import webhook_with_delivery

pytestmark = pytest.mark.e2e

VIEWER, WORKER, APPROVER, ADMIN = Role.VIEWER, Role.CASE_WORKER, Role.APPROVER, Role.ADMINISTRATOR
LEADER = Role.ASSOCIATION_LEADER
SUCCESS = {200, 201, 202, 302, 303}
TOWN_MATCH_KEY = hashlib.sha256(b"the every-route town").hexdigest()


# -- what some calls need -------------------------------------------------------------------------

def _window(client: FlaskClient, town: Town) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    return {"name": "子育て応援給付金", "eligibility_source": "児童手当受給世帯",
            "opens_at": now.isoformat(), "closes_at": (now + dt.timedelta(days=60)).isoformat(),
            "payout_methods": ["bank_transfer"]}


def _program_form(client: FlaskClient, town: Town) -> dict[str, Any]:
    window = _window(client, town)
    return {**window, "amount": "50,000", "opens_at": window["opens_at"][:16],
            "closes_at": window["closes_at"][:16]}


def _program_json(client: FlaskClient, town: Town) -> dict[str, Any]:
    return {**_window(client, town), "amount_per_household": 50_000}


def _pending_code(client: FlaskClient, town: Town) -> None:
    """The password was right; the second-factor code is asked for."""
    assert sign_in(client, town.second_factor[1]).location.endswith("/staff/login/code")


def _code_form(client: FlaskClient, town: Town) -> dict[str, Any]:
    return {"code": totp_code(town.totp_secret, dt.datetime.now(dt.UTC))}


def _enrolling(client: FlaskClient, town: Town) -> None:
    started = client.post("/staff/account/totp/start", headers={"X-CSRF-Token": token(client)})
    assert started.status_code == 302


def _enrolment_form(client: FlaskClient, town: Town) -> dict[str, Any]:
    with client.session_transaction() as session:
        secret = session["staff_totp_enrolling"]
    return {"code": totp_code(secret, dt.datetime.now(dt.UTC))}


def _line_delivery(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    body = json.dumps({"destination": "U" + "0" * 32, "events": []}).encode()
    secret = container.config.line_channel_secret().encode()
    signature = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()
    return client.post("/line/webhook", data=body, headers={
        "X-Line-Signature": signature, "Content-Type": "application/json"})


def _twilio_post(path: str, form: dict[str, str]) -> Any:
    def post(client: FlaskClient, town: Town, container: Container) -> TestResponse:
        container.config.sms_provider.from_value("twilio")
        url = container.config.public_url() + path
        signature = RequestValidator(container.config.twilio_auth_token()).compute_signature(
            url, form)
        return client.post(path, data=form, headers={"X-Twilio-Signature": signature})
    return post


def _plugin_sms_post(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    """The example SMS plug-in's vendor (examples/madoguchi-sms-example) reporting a status."""
    container.config.sms_provider.from_value("example-http")
    container.config.example_sms_webhook_secret.from_value("every-route-webhook-secret")
    body = json.dumps({"type": "message.status", "id": "msg_1", "status": "delivered"}).encode()
    signature = hmac.new(b"every-route-webhook-secret", body, hashlib.sha256).hexdigest()
    return client.post("/sms/example-http/webhook",
                       data=body, headers={"X-Example-Signature": f"sha256={signature}",
                                           "Content-Type": "application/json"})


def _metrics_scrape(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    token = "every-route-metrics-token-0123456789"
    container.config.metrics_token.from_value(token)
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


class _AcceptingRichMenus:
    """LINE taking the rich menus (the LINE adapter is tested against the simulator)."""

    def install(self, unverified: Any, verified: Any) -> dict[str, str]:
        return {unverified.name: "richmenu-1", verified.name: "richmenu-2"}

    def link_verified(self, user_ids: Any) -> None:
        return None


def _publish_rich_menus(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    container.config.line_access_token.from_value("a-configured-channel-token")
    container.line_rich_menus.override(providers.Object(_AcceptingRichMenus()))
    try:
        return client.post("/staff/settings/rich-menu/publish",
                           data={"csrf_token": token(client)})
    finally:
        container.line_rich_menus.reset_override()


def _rich_menu_form(client: FlaskClient, town: Town) -> dict[str, Any]:
    return {"audience": "verified", "rows": "1", "kind0": "status", "label0": "状況確認",
            "icon0": "search", "kind1": "url", "label1": "町のサイト", "icon1": "globe",
            "url1": "https://www.city.example.jp/", "kind2": "switch", "label2": "切り替え",
            "icon2": "switch"}


def _pay_link(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    signed = container.pay_links().token(town.unpaid_request)
    return client.get(f"/payments/certificates/{town.unpaid_request}/pay?t={signed}")


def _fee_pay_link(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    signed = container.pay_links().token(town.unpaid_fee)
    return client.get(f"/payments/fees/{town.unpaid_fee}/pay?t={signed}")


def _unsubscribe_path(container: Container) -> str:
    link = container.unsubscribe_links().link_for("nobody@example.jp")
    return "/mail/" + link.split("/mail/", 1)[1]


def _unsubscribe_page(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    return client.get(_unsubscribe_path(container))


def _unsubscribe_click(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    return client.post(_unsubscribe_path(container), data={"List-Unsubscribe": "One-Click"})


def _template_text(procedure_id: str, title: str = "粗大ごみ収集の申込") -> str:
    """A template as the editor's form sends it (its braces kept from the town's filling)."""
    text = json.dumps(built_template(procedure_id, title), ensure_ascii=False)
    return text.replace("{", "{{").replace("}", "}}")


ACCOUNT = {"bank_code": "0005", "branch_code": "001", "account_type": "1", "number": "1234567"}
PAPER_FORM = {"household_number": "{t.paper_household}", "payout_method": "bank_transfer",
              "bank_code": "0001", "branch_code": "001", "account_type": "1",
              "account_number": "1234567", "holder_kana": "ヤマダ タロウ"}
LIST = "世帯番号\nH0005\n".encode("cp932")  # one more eligible household
RETURNED = "record,reason\n1,口座なし\n".encode("cp932")  # the batch's only transfer failed
FAILED = {"disbursement.failed", "payment_batch.partly_failed"}  # what follows from RETURNED
REGISTRY = ("宛名番号,世帯番号,続柄,氏名,氏名カナ,生年月日,性別,住所,郵便番号,異動区分\n"
            "000900,H0900,世帯主,窓口 三郎,マドグチ サブロウ,1970-01-02,男,見本町1丁目1番1号,"
            "1000001,\n").encode()
APPROVE_A2 = {"decision": "approve", "application_ids": ["{t.paper_application}"]}
# Rules (as app.url_map lists them) beside the same URLs in the town, for the entries below.
PROGRAM, P = "/staff/benefits/programs/<program_id>", "/staff/benefits/programs/{t.program}"
APP = "/staff/benefits/applications/<application_id>"
A = "/staff/benefits/applications/{t.line_application}"
BATCH, B = "/staff/batches/<batch_id>", "/staff/batches/"
CERT, C = "/staff/certificates/<request_id>", "/staff/certificates/"
CASE, K = "/staff/cases/<case_id>", "/staff/cases/"
PROC, PR = "/staff/procedures/<procedure_id>", "/staff/procedures/{t.built_procedure}"
API_P, AP = "/api/v1/programs/<program_id>", "/api/v1/programs/{t.program}"
API_A, AA = "/api/v1/applications/<application_id>", "/api/v1/applications/{t.line_application}"
API_B, AB = "/api/v1/batches/<batch_id>", "/api/v1/batches/"
API_C, AC = "/api/v1/certificate-requests/<request_id>", "/api/v1/certificate-requests/"

ROUTES = [
    # -- public pages and the resident's side ----------------------------------------------------
    resident("GET", "/", "the town's front page"),
    resident("GET", "/healthz", "the database answers"),
    resident("GET", "/readyz", "the database and the job queue answer"),
    anyone("GET", "/metrics", "counts and durations for the monitoring system's token",
           call=_metrics_scrape),
    resident("GET", "/identity/dev-card", "the test card form", path="/identity/dev-card?state=x"),
    resident("POST", "/identity/dev-card", "a card without a started attempt is refused (400)",
             form={}),
    resident("GET", "/identity/callback/oidc", "404 under the dev-card provider of the tests"),
    resident("GET", "/identity/callback/<provider>", "an identity plug-in's callback: 404 for "
             "a provider not chosen", path="/identity/callback/some-idp?state=x"),
    resident("POST", "/identity/callback/<provider>", "an identity plug-in's callback (a form "
             "post): 404 for a provider not chosen", path="/identity/callback/some-idp",
             form={"state": "x"}),
    resident("POST", "/line/webhook", "LINE's deliveries, signed by LINE", call=_line_delivery),
    resident("POST", "/sms/inbound", "an SMS from a resident, signed by Twilio",
             call=_twilio_post("/sms/inbound", {"MessageSid": "SM1", "From": "+819012345678",
                                                "Body": "こんにちは"})),
    resident("POST", "/sms/status", "an SMS's delivery status, signed by Twilio",
             call=_twilio_post("/sms/status", {"MessageSid": "SM1",
                                               "MessageStatus": "delivered"})),
    resident("POST", "/sms/<provider>/webhook", "an SMS plug-in's webhook, signed by its vendor",
             call=_plugin_sms_post),
    resident("GET", "/payments/certificates/<request_id>/pay", "the signed pay link",
             call=_pay_link),
    resident("GET", "/payments/fees/<fee_id>/pay", "the signed pay link of a procedure's fee",
             call=_fee_pay_link),
    resident("GET", "/payments/fake/<provider_id>", "the fake provider's page",
             path="/payments/fake/{t.open_payment}"),
    resident("POST", "/payments/fake/<provider_id>", "paying there",
             path="/payments/fake/{t.open_payment}", form={"action": "pay"},
             follows={"certificate_request.requested"}),
    resident("GET", "/payments/return/<reference>", "back from the provider: paid or not",
             path="/payments/return/{t.open_reference}",
             follows={"certificate_request.requested"}),
    resident("GET", "/r/", "the web channel's page (its messages, its buttons)", call=web.page),
    resident("POST", "/r/start", "a new web identity, greeted with the menu"),
    resident("POST", "/r/tap", "a button of the page, through the InboundRouter", call=web.tap),
    resident("POST", "/r/text", "a typed answer, through the InboundRouter", call=web.typed),
    resident("POST", "/r/photo", "a photo, kept like a LINE image", call=web.photo),
    resident("POST", "/r/location", "a place (address, optional point), through the "
             "InboundRouter", call=web.place),
    resident("POST", "/r/sign-out", "the web session's cookie cleared", call=web.sign_out),
    resident("GET", "/r/l", "a personal link: the message it was sent with",
             call=web.link_page),
    resident("POST", "/r/l", "a personal link used: signed in, the tap answered",
             call=web.link_tap),
    resident("GET", "/r/lang/<code>", "the language of the resident pages (the session's)",
             path="/r/lang/en"),
    resident("GET", "/r/sign-in", "the form asking for a phone number or an address"),
    resident("POST", "/r/sign-in", "a one-time code sent (to nobody: an unknown number)",
             call=web.sign_in_code_sent),
    resident("GET", "/r/sign-in/code", "the form asking for the code",
             call=web.sign_in_code_form),
    resident("POST", "/r/sign-in/code", "a wrong code refused (400)",
             call=web.sign_in_code_checked),
    resident("GET", "/mail/unsubscribe/<token>", "the confirmation page of an unsubscribe link",
             call=_unsubscribe_page),
    resident("POST", "/mail/unsubscribe/<token>", "one-click unsubscribe, for an address the "
             "town does not know (so nothing changes)", call=_unsubscribe_click),
    resident("GET", "/n/<token>", "a notice's page (its open counted, nobody named)",
             path="/n/{t.notice_token}"),
    resident("GET", "/n/<token>/go/<int:index>", "a notice's link button (its tap counted)",
             path="/n/{t.notice_token}/go/0"),
    resident("GET", "/n/<token>/image", "a notice's image", path="/n/{t.notice_token}/image"),
    anyone("GET", "/api/v1/openapi.json", "the API's description"),
    anyone("GET", "/static/<path:filename>", "a stylesheet", path="/static/staff/staff.css"),
    anyone("GET", "/staff/lang/<code>", "the language of the staff pages",
           path="/staff/lang/en"),
    # -- signing in and a staff member's own account ---------------------------------------------
    anyone("GET", "/staff/login", "the log-in form"),
    Route("POST", "/staff/login", "signing-in:viewer", "staff.sign_in",
          form={"login_id": "viewer", "password": PASSWORD}),
    anyone("GET", "/staff/login/code", "the second-factor form", prepare=_pending_code),
    Route("POST", "/staff/login/code", "signing-in:second-factor", "staff.sign_in",
          prepare=_pending_code, form=_code_form),
    staff(VIEWER, "POST", "/staff/logout", "staff.sign_out"),
    staff(VIEWER, "GET", "/staff/account", None, why="their own sign-in settings"),
    staff(VIEWER, "POST", "/staff/account/password", "staff.password_changed",
          form={"current": PASSWORD, "new": "another long secret", "confirmation":
                "another long secret"}),
    staff(VIEWER, "POST", "/staff/account/totp/start", None,
          why="a new secret kept in the session only, until a code confirms it"),
    staff(VIEWER, "POST", "/staff/account/totp", "staff.totp_enabled", prepare=_enrolling,
          form=_enrolment_form),
    # -- the core staff pages ---------------------------------------------------------------------
    staff(VIEWER, "GET", "/staff/", None, why="the town's counts and charts"),
    staff(VIEWER, "GET", "/staff/kpi", None, why="the report's monthly counts, no person"),
    staff(VIEWER, "GET", "/staff/kpi/export", "kpi.export",
          path="/staff/kpi/export?format=xlsx"),
    staff(VIEWER, "GET", "/staff/kpi/report.pdf", "kpi.export",
          path="/staff/kpi/report.pdf?month=2026-11"),
    staff(ADMIN, "POST", "/staff/kpi/recount", "kpi.recount"),
    staff(ADMIN, "POST", "/staff/kpi/costs", "kpi.cost_set",
          form={"period": "2026-11", "running_cost_yen": "50000", "staff_hours": "4",
                "hourly_cost_yen": "3000"}),
    staff(ADMIN, "GET", "/staff/audit", "audit.search"),
    staff(ADMIN, "POST", "/staff/audit/verify", "audit.verify"),
    staff(ADMIN, "GET", "/staff/registry-import", None, why="the upload form"),
    staff(ADMIN, "POST", "/staff/registry-import", "registry.import", upload=REGISTRY,
          form={"partial": "1"}),
    staff(ADMIN, "GET", "/staff/members", None,
          why="staff accounts and their lock-outs, no resident's data"),
    staff(ADMIN, "POST", "/staff/members", "staff.create", form={
        "login_id": "newcomer", "display_name": "新人 一郎", "role": "viewer",
        "password": "a long enough secret"}),
    staff(ADMIN, "POST", "/staff/members/<staff_id>/<change>", "staff.deactivate",
          path="/staff/members/{t.colleague}/deactivate"),
    staff(ADMIN, "GET", "/staff/settings/ladder", None,
          why="the town's order of channels, no resident's data"),
    staff(ADMIN, "POST", "/staff/settings/ladder", "ladder.set",
          form={"rung1": "sms", "rung2": "line", "rung3": ""}),
    staff(ADMIN, "POST", "/staff/settings/satisfaction", "survey.setting", form={"on": "0"}),
    staff(VIEWER, "GET", "/staff/surveys", None,
          why="the surveys' counts and averages, anonymous"),
    staff(VIEWER, "GET", "/staff/surveys/<survey_id>", None,
          why="a survey's answers without who gave them (a viewer sees no name)",
          path="/staff/surveys/{t.survey}"),
    staff(VIEWER, "GET", "/staff/surveys/<survey_id>/export", "survey.export",
          path="/staff/surveys/{t.survey}/export?format=csv"),
    staff(ADMIN, "GET", "/staff/settings/rich-menu", None,
          why="the layout of the LINE rich menu, no resident's data"),
    staff(ADMIN, "POST", "/staff/settings/rich-menu", "rich_menu.saved", form=_rich_menu_form),
    staff(ADMIN, "POST", "/staff/settings/rich-menu/preview", None,
          why="draws the layout sent, stores nothing", form=_rich_menu_form),
    staff(ADMIN, "POST", "/staff/settings/rich-menu/publish", "rich_menu.published",
          call=_publish_rich_menus),
    staff(ADMIN, "GET", "/staff/jobs/<job_id>", None, why="a job's progress",
          path="/staff/jobs/{t.job}"),
    staff(ADMIN, "GET", "/staff/jobs/<job_id>/status", None, why="a job's progress",
          path="/staff/jobs/{t.job}/status"),
    staff(ADMIN, "GET", "/staff/jobs/<job_id>/report", None,
          why="counts and row numbers of the file the office uploaded",
          path="/staff/jobs/{t.job}/report"),
    staff(WORKER, "GET", "/staff/residents", None, why="the empty search form"),
    staff(WORKER, "POST", "/staff/residents", "resident.search",
          form={"resident_number": "{t.resident_number}"}),
    staff(WORKER, "GET", "/staff/residents/<resident_id>", "resident.view",
          path="/staff/residents/{t.resident}"),
    staff(WORKER, "GET", "/staff/verifications", None,
          why="the queue: when, how it matched and the number of candidates, no facts"),
    staff(WORKER, "GET", "/staff/verifications/<verification_id>", "verification.view",
          path="/staff/verifications/{t.verification}"),
    staff(WORKER, "POST", "/staff/verifications/<verification_id>/decision",
          "verification.decide", path="/staff/verifications/{t.verification}/decision",
          form={"decision": "link", "link_to": "{t.candidate}", "confirmed": "yes"},
          follows={"resident.verified"}),  # the resident's verification is complete
    # -- benefits ---------------------------------------------------------------------------------
    staff(VIEWER, "GET", "/staff/benefits/", None, why="the programs"),
    staff(ADMIN, "POST", "/staff/benefits/", "program.create", form=_program_form),
    staff(VIEWER, "GET", PROGRAM, None, why="a program's settings and counts", path=P),
    staff(ADMIN, "POST", f"{PROGRAM}/status", "program.status", path=f"{P}/status",
          form={"status": "closed"}),
    staff(ADMIN, "GET", f"{PROGRAM}/withdrawal", None,
          why="what a withdrawal takes back: counts by status, batch numbers", path=P.replace(
              "t.program", "t.spare_program") + "/withdrawal"),
    staff(ADMIN, "POST", f"{PROGRAM}/withdrawal", "program.withdraw",
          path=P.replace("t.program", "t.spare_program") + "/withdrawal",
          form={"reason": "予算が成立しなかったため"}),
    staff(ADMIN, "GET", f"{PROGRAM}/reminders/preview", None,
          why="the count of unanswered households and the reminder's text",
          path=f"{P}/reminders/preview"),
    staff(ADMIN, "POST", f"{PROGRAM}/reminders", "reminder.schedule", path=f"{P}/reminders",
          form={"days_before": "3"}),
    staff(ADMIN, "POST", f"{PROGRAM}/eligibility", "eligibility.import",
          path=f"{P}/eligibility", upload=LIST, form={"mode": "valid_rows"}),
    staff(ADMIN, "GET", f"{PROGRAM}/imports/<job_id>", None,
          why="the import's counts and row numbers", path=f"{P}/imports/{{t.job}}"),
    staff(ADMIN, "GET", f"{PROGRAM}/campaigns/preview", None,
          why="the notice's text and the count it goes to", path=f"{P}/campaigns/preview"),
    staff(ADMIN, "POST", f"{PROGRAM}/campaigns", "campaign.start", path=f"{P}/campaigns"),
    staff(WORKER, "GET", f"{PROGRAM}/applications", "application.list",
          path=f"{P}/applications"),
    staff(APPROVER, "POST", f"{PROGRAM}/decisions", "application.decide",
          path=f"{P}/decisions", form=APPROVE_A2),
    staff(WORKER, "POST", f"{PROGRAM}/paper-applications", "application.paper_entry",
          path=f"{P}/paper-applications", form=PAPER_FORM),
    staff(WORKER, "GET", f"{PROGRAM}/postal", None, why="the paper form and a download link",
          path=f"{P}/postal"),
    staff(WORKER, "GET", f"{PROGRAM}/postal.csv", "postal.export", path=f"{P}/postal.csv"),
    staff(WORKER, "GET", f"{PROGRAM}/applications.csv", "application.export",
          path=f"{P}/applications.csv"),
    staff(WORKER, "GET", f"{PROGRAM}/applications.xlsx", "application.export",
          path=f"{P}/applications.xlsx"),
    staff(WORKER, "GET", APP, "application.view", path=A),
    staff(APPROVER, "POST", f"{APP}/decision", "application.decide",
          path="/staff/benefits/applications/{t.paper_application}/decision",
          form={"decision": "approve", "program_id": "{t.program}"}),
    staff(WORKER, "GET", f"{APP}/passbook", "application.passbook_view", path=f"{A}/passbook"),
    staff(WORKER, "POST", f"{APP}/account-check", "application.account_check",
          path=f"{A}/account-check"),
    # -- payment batches --------------------------------------------------------------------------
    staff(VIEWER, "GET", B, None, why="batches: counts and totals"),
    staff(WORKER, "POST", B, "payment_batch.created", form={"program_id": "{t.program}"}),
    staff(VIEWER, "GET", BATCH, None, why="a batch's totals, its payments' ids and trail",
          path=B + "{t.failed_batch}"),
    staff(APPROVER, "POST", f"{BATCH}/approval", "payment_batch.approved",
          path=B + "{t.draft_batch}/approval"),
    staff(WORKER, "POST", f"{BATCH}/cancellation", "payment_batch.cancelled",
          path=B + "{t.approved_batch}/cancellation", form={"reason": "金額の誤り"}),
    staff(WORKER, "POST", f"{BATCH}/transfer-file", "payment_batch.exported",
          path=B + "{t.approved_batch}/transfer-file"),
    staff(WORKER, "POST", f"{BATCH}/results", "payment_batch.results_imported",
          path=B + "{t.exported_batch}/results", upload=RETURNED, form={"kind": "returned"},
          follows=FAILED),
    staff(WORKER, "POST", f"{BATCH}/repayments/<application_id>", "disbursement.repayment",
          path=B + "{t.failed_batch}/repayments/{t.failed_application}",
          form={**ACCOUNT, "holder": "ヤマダ ハナコ"}),
    staff(WORKER, "POST", f"{BATCH}/codes", "payment_batch.codes_issued",
          path=B + "{t.cash_batch}/codes"),
    # -- certificates -----------------------------------------------------------------------------
    staff(WORKER, "GET", C, None, why="receipt numbers, kinds, fees and states"),
    staff(WORKER, "GET", CERT, "certificate_request.view", path=C + "{t.paid_request}"),
    staff(WORKER, "GET", f"{CERT}/slip.pdf", "certificate_request.print",
          path=C + "{t.paid_request}/slip.pdf"),
    staff(WORKER, "POST", f"{CERT}/issue", "certificate_request.issue",
          path=C + "{t.paid_request}/issue"),
    staff(WORKER, "POST", f"{CERT}/mail", "certificate_request.mail",
          path=C + "{t.issued_request}/mail", form={"tracking_number": "1234-5678"}),
    staff(APPROVER, "POST", f"{CERT}/reject", "certificate_request.reject",
          path=C + "{t.paid_request}/reject", form={"reason": "記載を確認できないため"}),
    # -- the town's inbox -------------------------------------------------------------------------
    staff(WORKER, "GET", "/staff/cases/", "case.list"),
    staff(WORKER, "GET", "/staff/cases/map", "case.map"),
    staff(WORKER, "GET", CASE, "case.view", path=K + "{t.case}"),
    staff(WORKER, "GET", f"{CASE}/photo", "case.photo_view",
          path=K + "{t.case}/photo?ref=line:case-photo-1"),
    staff(WORKER, "POST", f"{CASE}/reply", "case.reply", path=K + "{t.case}/reply",
          form={"text": "明日修理します。", "reply_key": "form-key-1"}),
    staff(WORKER, "POST", f"{CASE}/<action>", "case.assign", path=K + "{t.case}/assign"),
    staff(WORKER, "GET", f"{CASE}/refund", None, path=K + "{t.fee_case}/refund",
          why="the fee's name and amount, to confirm the refund: no personal data"),
    staff(WORKER, "POST", f"{CASE}/refund", "case.fee_refund", path=K + "{t.fee_case}/refund"),
    staff(WORKER, "GET", "/staff/consultations/", "consultation.list"),
    staff(WORKER, "POST", "/staff/consultations/<case_id>/take", "consultation.take",
          path="/staff/consultations/{t.consultation}/take"),
    staff(WORKER, "POST", "/staff/consultations/<case_id>/end", "consultation.end",
          path="/staff/consultations/{t.consultation}/end"),
    staff(ADMIN, "GET", "/staff/consultations/settings", None,
          why="departments' hours and staff names"),
    staff(ADMIN, "POST", "/staff/consultations/hours/<department_id>", "consultation.hours",
          path="/staff/consultations/hours/{t.department}",
          form={"weekday": "月", "opens": "9:00", "closes": "16:00"}),
    staff(ADMIN, "POST", "/staff/consultations/names/<staff_id>", "staff.chat_name",
          path="/staff/consultations/names/{t.colleague}", form={"chat_name": "担当 C"}),
    staff(WORKER, "GET", "/staff/cases/export", "case.export",
          path="/staff/cases/export?format=csv"),
    staff(WORKER, "GET", "/staff/canned-replies", None,
          why="the canned replies of one's departments: no personal data"),
    staff(WORKER, "POST", "/staff/canned-replies", "canned_reply.create",
          form={"department_id": "{t.department}", "title": "受付のお礼",
                "text": "ご連絡ありがとうございます。"}),
    staff(WORKER, "POST", "/staff/canned-replies/<reply_id>/delete", "canned_reply.delete",
          path="/staff/canned-replies/{t.canned_reply}/delete"),
    staff(APPROVER, "GET", "/staff/segments", None,
          why="segments' names and conditions: no personal data"),
    staff(APPROVER, "GET", "/staff/segments/new", None,
          why="the editor: areas with counts, programs, interests"),
    staff(APPROVER, "POST", "/staff/segments/new", "segment.create",
          form={"name": "高齢者", "condition": '{{"age": {{"min": 65, "month": "2026-12"}}}}'}),
    staff(APPROVER, "GET", "/staff/segments/<segment_id>", None,
          why="a segment, its condition and how many it matches: a count",
          path="/staff/segments/{t.segment}"),
    staff(APPROVER, "POST", "/staff/segments/<segment_id>", "segment.update",
          path="/staff/segments/{t.segment}",
          form={"name": "LINEの人", "condition": '{{"channel": "line"}}',
                "version": "1"}),
    staff(APPROVER, "POST", "/staff/segments/<segment_id>/delete", "segment.delete",
          path="/staff/segments/{t.segment}/delete", form={"version": "1"}),
    staff(APPROVER, "POST", "/staff/segments/count", None,
          why="how many a condition matches: a count", json={"condition": {"verified": True}}),
    staff(APPROVER, "GET", "/staff/interests", None, why="the interests offered"),
    staff(APPROVER, "POST", "/staff/interests", "interest.create",
          form={"key": "event", "label": "イベント", "description": "町の催し"}),
    staff(APPROVER, "POST", "/staff/interests/<key>", "interest.update",
          path="/staff/interests/{t.interest}", form={"label": "防災・避難", "version": "1"}),
    staff(APPROVER, "POST", "/staff/interests/<key>/change", "interest.down",
          path="/staff/interests/{t.interest}/change", form={"change": "down"}),
    staff(ADMIN, "GET", "/staff/departments", None, why="departments and staff names"),
    staff(ADMIN, "POST", "/staff/departments", "department.create",
          form={"name": "環境課", "alert_email": "kankyo@example.jp"}),
    staff(ADMIN, "POST", "/staff/departments/<department_id>", "department.update",
          path="/staff/departments/{t.department}", form={"name": "建設課"}),
    staff(ADMIN, "POST", "/staff/members/<staff_id>/departments", "staff.departments",
          path="/staff/members/{t.colleague}/departments",
          form={"department_id": "{t.department}"}),
    # -- 連携（Webhook）: the town's systems told of events (ADR 0071) ------------------------
    staff(ADMIN, "GET", "/staff/webhooks", None, prepare=webhook_with_delivery,
          why="the town's systems' URLs, event ids and delivery states: no personal data"),
    staff(ADMIN, "POST", "/staff/webhooks", "webhook.create",
          form={"url": "https://town-system.example.jp/events",
                "event": ["application.decided", "payment.failed"]}),
    staff(ADMIN, "POST", "/staff/webhooks/<subscription_id>/<change>", "webhook.pause",
          path="/staff/webhooks/{webhook}/pause", prepare=webhook_with_delivery),
    staff(ADMIN, "POST", "/staff/webhooks/deliveries/<delivery_id>/replay", "webhook.replay",
          path="/staff/webhooks/deliveries/{delivery}/replay", prepare=webhook_with_delivery),
    # -- 自治会・町内会 and the leader's 回覧板 (ADR 0057) ------------------------------------
    staff(APPROVER, "GET", "/staff/associations", None,
          why="the town's associations and their member counts: no names"),
    staff(APPROVER, "POST", "/staff/associations", "association.create",
          form={"name": "本町三丁目町内会", "open_to_join": "1"}),
    staff(APPROVER, "GET", "/staff/associations/<association_id>", "association.view_members",
          path="/staff/associations/{t.association}"),
    staff(APPROVER, "POST", "/staff/associations/<association_id>", "association.change",
          path="/staff/associations/{t.association}",
          form={"name": "本町二丁目自治会", "open_to_join": "1"}),
    staff(APPROVER, "POST", "/staff/associations/<association_id>/members",
          "association.import_members", path="/staff/associations/{t.association}/members",
          upload="住民番号\r\n000000002\r\n".encode("cp932")),
    staff(APPROVER, "POST", "/staff/associations/<association_id>/members/<member_id>/remove",
          "association.remove_member",
          path="/staff/associations/{t.association}/members/{t.association_member}/remove"),
    staff(APPROVER, "POST", "/staff/associations/<association_id>/leaders", "staff.create",
          path="/staff/associations/{t.association}/leaders",
          form={"login_id": "vice-leader", "display_name": "副会長 二郎",
                "password": "a long enough secret"}),
    staff(LEADER, "GET", "/staff/circulars", "circular.view"),
    staff(LEADER, "POST", "/staff/circulars", "circular.send",
          form={"title": "夏祭り", "body": "8月1日に夏祭りを開きます。"}),
    staff(LEADER, "GET", "/staff/circulars/<circular_id>", "circular.view",
          path="/staff/circulars/{t.circular}"),
    # -- the procedure builder (手続きの作成) ------------------------------------------------------
    staff(WORKER, "GET", "/staff/procedures/", None,
          why="the town's built procedures and the templates library: no personal data"),
    staff(WORKER, "GET", "/staff/procedures/new", None, why="the empty editor"),
    staff(WORKER, "POST", "/staff/procedures/new", "procedure.create",
          form={"template": _template_text("new_procedure"), "channel": "line"}),
    staff(WORKER, "POST", "/staff/procedures/check", None,
          why="the editor's check as staff type: says the problems, changes nothing",
          json={"template": built_template("new_procedure"), "new": True}),
    staff(WORKER, "GET", f"{PROC}/edit", None, why="a procedure's draft and versions",
          path=f"{PR}/edit"),
    staff(WORKER, "POST", f"{PROC}/edit", "procedure.edit", path=f"{PR}/edit",
          form={"template": _template_text("bulky_waste", "粗大ごみの申込"),
                "channel": "line"}),
    staff(WORKER, "POST", f"{PROC}/try", "procedure.try", path=f"{PR}/try"),
    staff(ADMIN, "POST", f"{PROC}/publish", "procedure.publish", path=f"{PR}/publish"),
    staff(ADMIN, "POST", f"{PROC}/withdraw", "procedure.withdraw",
          path="/staff/procedures/{t.published_procedure}/withdraw"),
    staff(WORKER, "GET", f"{PROC}/export", None, why="the template file: no personal data",
          path=f"{PR}/export"),
    staff(WORKER, "GET", "/staff/procedures/import", None, why="the upload form and library"),
    staff(WORKER, "POST", "/staff/procedures/import", "procedure.create",
          form={"template": _template_text("imported")}),
    # -- the REST API -----------------------------------------------------------------------------
    # お知らせ配信 (ADR 0058)
    staff(APPROVER, "GET", "/staff/notices/", None, why="titles, states and counts"),
    staff(APPROVER, "GET", "/staff/notices/new", None, why="the compose form"),
    staff(APPROVER, "POST", "/staff/notices/preview", None,
          why="the message on each channel and how many people it goes to",
          form={"title": "断水", "text": "明日は断水します。",
                "condition": '{{"channel": "line"}}'}),
    staff(APPROVER, "POST", "/staff/notices/", "notice.compose",
          form={"title": "断水", "text": "明日は断水します。", "condition": '{{"channel": "line"}}',
                "action": "draft"}),
    staff(APPROVER, "GET", "/staff/notices/<notice_id>", None,
          why="a notice's figures by channel (counts)", path="/staff/notices/{t.sent_notice}"),
    staff(APPROVER, "POST", "/staff/notices/<notice_id>/send", "notice.send",
          path="/staff/notices/{t.draft_notice}/send", form={"action": "send"}),
    staff(APPROVER, "POST", "/staff/notices/<notice_id>/cancel", "notice.cancel",
          path="/staff/notices/{t.scheduled_notice}/cancel", form={}),
    api(VIEWER, "GET", "/api/v1/programs", None, why="program settings"),
    api(ADMIN, "POST", "/api/v1/programs", "program.create", json=_program_json),
    api(VIEWER, "GET", API_P, None, why="a program's settings", path=AP),
    api(ADMIN, "POST", f"{API_P}/status", "program.status", path=f"{AP}/status",
        json={"status": "closed"}),
    api(ADMIN, "GET", "/api/v1/jobs/<job_id>", None, why="a job's progress and counts",
        path="/api/v1/jobs/{t.job}"),
    api(WORKER, "GET", "/api/v1/verifications", "verification.list"),
    api(WORKER, "POST", "/api/v1/verifications/<verification_id>/decision",
        "verification.decide", path="/api/v1/verifications/{t.verification}/decision",
        json={"link_to": "{t.candidate}"}, follows={"resident.verified"}),
    api(ADMIN, "POST", f"{API_P}/eligibility", "eligibility.import",
        path=f"{AP}/eligibility?mode=valid_rows", body=LIST),
    api(VIEWER, "GET", f"{API_P}/eligibility", None, why="counts", path=f"{AP}/eligibility"),
    api(ADMIN, "GET", f"{API_P}/campaigns/preview", None,
        why="the notice's text and the count it goes to", path=f"{AP}/campaigns/preview"),
    api(ADMIN, "POST", f"{API_P}/campaigns", "campaign.start", path=f"{AP}/campaigns"),
    api(VIEWER, "GET", f"{API_P}/campaigns", None, why="campaigns and counts",
        path=f"{AP}/campaigns"),
    api(WORKER, "GET", f"{API_P}/applications", "application.list", path=f"{AP}/applications"),
    api(WORKER, "GET", API_A, "application.view", path=AA),
    api(WORKER, "GET", f"{API_A}/passbook", "application.passbook_view", path=f"{AA}/passbook"),
    api(WORKER, "POST", f"{API_A}/account-check", "application.account_check",
        path=f"{AA}/account-check"),
    api(APPROVER, "POST", f"{API_P}/decisions", "application.decide", path=f"{AP}/decisions",
        json=APPROVE_A2),
    api(WORKER, "POST", f"{API_P}/paper-applications", "application.paper_entry",
        path=f"{AP}/paper-applications", json={
            "household_number": "{t.paper_household}", "payout_method": "bank_transfer",
            "account": {**ACCOUNT, "holder_kana": "ヤマダ タロウ"}}),
    api(WORKER, "GET", "/api/v1/households/<number>", "household.view",
        path="/api/v1/households/{t.paper_household}"),
    api(WORKER, "GET", f"{API_P}/postal.csv", "postal.export", path=f"{AP}/postal.csv"),
    api(WORKER, "GET", f"{API_P}/applications.csv", "application.export",
        path=f"{AP}/applications.csv"),
    api(APPROVER, "GET", f"{API_P}/applications.xlsx", "application.export",
        path=f"{AP}/applications.xlsx"),
    api(VIEWER, "GET", "/api/v1/batches", None, why="batches: counts and totals"),
    api(WORKER, "POST", "/api/v1/batches", "payment_batch.created",
        json={"program_id": "{t.program}"}),
    api(VIEWER, "GET", API_B, None, why="a batch's totals and trail of ids",
        path=AB + "{t.failed_batch}"),
    api(APPROVER, "POST", f"{API_B}/approval", "payment_batch.approved",
        path=AB + "{t.draft_batch}/approval"),
    api(WORKER, "POST", f"{API_B}/cancellation", "payment_batch.cancelled",
        path=AB + "{t.approved_batch}/cancellation", json={"reason": "金額の誤り"}),
    api(WORKER, "POST", f"{API_B}/transfer-file", "payment_batch.exported",
        path=AB + "{t.approved_batch}/transfer-file"),
    api(WORKER, "POST", f"{API_B}/results", "payment_batch.results_imported",
        path=AB + "{t.exported_batch}/results?kind=returned", body=RETURNED, follows=FAILED),
    api(WORKER, "POST", f"{API_A}/repayment", "application.account_entered",
        path="/api/v1/applications/{t.failed_application}/repayment",
        json={"account": {**ACCOUNT, "holder": "ヤマダ ハナコ"}}),  # kept for a second check
    api(VIEWER, "GET", f"{API_P}/ledger", None, why="the program's totals", path=f"{AP}/ledger"),
    api(WORKER, "GET", "/api/v1/certificate-requests", None,
        why="receipt numbers, kinds, fees and states"),
    api(WORKER, "GET", API_C, "certificate_request.view", path=AC + "{t.paid_request}"),
    api(WORKER, "GET", f"{API_C}/slip.pdf", "certificate_request.print",
        path=AC + "{t.paid_request}/slip.pdf"),
    api(WORKER, "POST", f"{API_C}/issue", "certificate_request.issue",
        path=AC + "{t.paid_request}/issue"),
    api(WORKER, "POST", f"{API_C}/mail", "certificate_request.mail",
        path=AC + "{t.issued_request}/mail", json={"tracking_number": "1234-5678"}),
    api(APPROVER, "POST", f"{API_C}/reject", "certificate_request.reject",
        path=AC + "{t.paid_request}/reject", json={"reason": "記載を確認できないため"}),
]


def test_the_table_lists_every_route_of_the_app_once(app: Flask) -> None:
    served = {(method, rule.rule) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    listed = [route.key for route in ROUTES]
    assert len(listed) == len(set(listed)), "a route is listed twice"
    assert sorted(served - set(listed)) == [], "routes missing from ROUTES: add them"
    assert sorted(set(listed) - served) == [], "ROUTES lists routes the app does not serve"
    assert all(route.why for route in ROUTES if route.action is None), "say why no record"
    unlabelled = {route.action for route in ROUTES} - set(ACTIONS) - {None}
    assert sorted(unlabelled) == [], "give these actions a label in audit_actions.ACTIONS"


# -- one call of each route ------------------------------------------------------------------

class NotDelivered:
    """The outbox is left for the dispatcher (nothing is sent to LINE from these tests)."""

    def wake(self) -> None:
        pass

    def ready(self, timeout: float = 1.0) -> bool:  # for /readyz
        return True


@pytest.fixture(scope="session")
def banks() -> ZenginBankMaster:
    """The bank master, loaded once (it is read-only, and loading it is most of a seed)."""
    return ZenginBankMaster()


@pytest.fixture
def town(container: Container, app: Flask, banks: ZenginBankMaster,
         tmp_path: Path) -> Iterator[Town]:
    # one match key for every copy of the town: its verification's keys are the seed's
    container.config.match_key.from_value(TOWN_MATCH_KEY)
    container.bank_master.override(providers.Object(banks))
    container.outbox_notifier.override(providers.Object(NotDelivered()))
    app.config["STAFF_UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield seeded(container, seed_town)  # copied from the last seed while it is fresh
    container.outbox_notifier.reset_override()
    container.bank_master.reset_override()


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_one_call_of_each_route_leaves_the_record_its_entry_names(
        route: Route, town: Town, client: FlaskClient, container: Container) -> None:
    who = acting(route.who, client, container, town)
    made = route.prepare(client, town) if route.prepare is not None else None
    before = audit_head(container)

    response = call(route, client, town, container, who, made)

    new = audit_since(container, before)
    shown = [(r.action, r.actor_label) for r in new]
    if route.who == "resident":  # only the resident's own acts, named 住民 (their `follows`)
        assert response.status_code < 500, shown
        assert all(r.actor_id == "resident" and r.action in route.follows for r in new), shown
        return
    assert response.status_code in SUCCESS, response.get_data(as_text=True)[:500]
    if route.action is None:
        assert "/staff/login" not in (response.location or ""), "not signed in"
        assert new == [], shown
        return
    mine = [r for r in new if r.action == route.action]
    assert len(mine) == 1, f"{len(mine)} records of {route.action}: {shown}"
    assert (mine[0].actor_id, mine[0].actor_label, mine[0].ip) == (
        who.actor_id, who.actor_label, "127.0.0.1")
    assert {r.action for r in new if r is not mine[0]} <= route.follows, shown
    assert {(r.actor_id, r.actor_label) for r in new
            if r.actor_id != "resident"} == {(who.actor_id, who.actor_label)}  # or 住民's act


# -- the record and the change commit together, or neither does --------------------------------

def _by_rule(method: str, rule: str) -> Route:
    [route] = [r for r in ROUTES if r.key == (method, rule)]
    return route


UNSTORED = [  # (route, what its answer must not show): one of each way a use case writes
    (_by_rule("POST", f"{BATCH}/approval"), b""),  # a staff page's change
    (_by_rule("POST", f"{API_P}/paper-applications"), b""),  # an API change
    (_by_rule("POST", f"{API_B}/results"), b""),  # a change and what followed from it
    (_by_rule("POST", f"{PROGRAM}/eligibility"), b""),  # a job started
    (_by_rule("POST", "/staff/login"), b""),  # a sign-in
    (_by_rule("GET", APP), b"7654321"),  # a look at an account
    (_by_rule("GET", f"{API_A}/passbook"), PASSBOOK_PHOTO),  # at a photo
    (_by_rule("POST", f"{CASE}/reply"), b""),  # a reply and the message that carries it
    (_by_rule("GET", f"{API_P}/postal.csv"), "山田".encode("cp932")),  # a streamed download
    (_by_rule("GET", f"{API_P}/applications.csv"), "山田".encode("cp932")),  # the export
]


@pytest.mark.parametrize(("route", "secret"), UNSTORED, ids=[str(r) for r, _ in UNSTORED])
def test_when_the_commit_fails_neither_the_change_nor_its_record_is_stored(
        route: Route, secret: bytes, town: Town, client: FlaskClient,
        container: Container) -> None:
    who = acting(route.who, client, container, town)
    before = every_row(container)

    with refusing_audited_commits():
        try:
            response = call(route, client, town, container, who)
            status, shown = response.status_code, response.get_data()
        except CommitRefused:  # a download breaks off before its first row
            status, shown = 500, b""

    assert status == 500
    assert secret == b"" or secret not in shown
    after = every_row(container)
    if route.action == "staff.sign_in":
        # A sign-in attempt is counted (in its own transaction) before its password or code is
        # checked: a commit failing afterwards gives no free attempt against the lock-out.
        states_before = before.pop("staff_sign_ins")
        assert len(set(after.pop("staff_sign_ins")) - set(states_before)) <= 1
    assert after == before


def _own_batch(client: FlaskClient, town: Town) -> dict[str, str]:
    made = client.post(B, data={"program_id": town.program},
                       headers={"X-CSRF-Token": token(client)})
    return {"batch": made.location.rsplit("/", 1)[-1]}


REFUSED = [  # (a refused call, its answer)
    (staff(APPROVER, "POST", f"{BATCH}/approval", "payment_batch.approved",
           path=B + "{batch}/approval", prepare=_own_batch), 302),  # the maker: said on the page
    (api(APPROVER, "POST", f"{API_P}/decisions", "application.decide", path=f"{AP}/decisions",
         json={"decision": "approve", "application_ids": ["{t.decided_application}"]}),
     200),  # decided already: reported as refused, nothing done
    (api(WORKER, "POST", f"{API_C}/mail", "certificate_request.mail",
         path=AC + "{t.paid_request}/mail"), 409),  # not issued yet
    (staff(WORKER, "POST", f"{CERT}/issue", "certificate_request.issue",
           path=C + "{t.issued_request}/issue"), 302),  # issued already: said on the page
    (api(ADMIN, "POST", f"{API_P}/status", "program.status", path=f"{AP}/status",
         json={"status": "open"}), 409),  # open already
    (staff(WORKER, "POST", f"{CASE}/<action>", "case.reopen",
           path=K + "{t.case}/reopen"), 302),  # not closed: said on the page
    (staff(WORKER, "POST", f"{CASE}/reply", "case.reply", path=K + "{t.case}/reply",
           form={"text": "  ", "reply_key": "k"}), 302),  # no text: said on the page
    (staff(WORKER, "POST", f"{PROC}/publish", "procedure.publish", path=f"{PR}/publish"),
     403),  # administrators publish
    (staff(WORKER, "POST", f"{PROC}/edit", "procedure.edit", path=f"{PR}/edit",
           form={"template": "{{}}"}), 422),  # no template: its problems shown, nothing saved
    (staff(WORKER, "POST", "/staff/procedures/import", "procedure.create",
           form={"template": '{{"format": "madoguchi.procedure", "version": 2}}'}),
     422),  # another format version: refused with its message
]


@pytest.mark.parametrize(("route", "status"), REFUSED, ids=[str(r) for r, _ in REFUSED])
def test_a_refused_action_changes_nothing_and_leaves_no_record(
        route: Route, status: int, town: Town, client: FlaskClient,
        container: Container) -> None:
    who = acting(route.who, client, container, town)
    made = route.prepare(client, town) if route.prepare else None
    before = every_row(container)

    response = call(route, client, town, container, who, made)

    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert every_row(container) == before
