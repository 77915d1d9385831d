"""Every staff route answers every role as its access rule says (deny by default), pinned for
the routes whose permission matters most."""

from __future__ import annotations

import pytest
from flask import Flask

from application.staff.views import active_member
from domain.access import Permission, allows
from domain.staff import Role
from entrypoints.containers import Container
from entrypoints.web.access import rule_of
from entrypoints.web.staff.access import STAFF
from tests.e2e.staff_support import make_staff

pytestmark = pytest.mark.e2e

# The permission each of these routes must keep (a change here is a decision, not an accident).
PINNED = {
    "staff.dashboard": Permission.VIEW_DASHBOARD,
    "staff.job_page": Permission.VIEW_JOBS,
    "staff.job_status": Permission.VIEW_JOBS,
    "staff.job_report": Permission.VIEW_JOBS,
    "staff.login": "public",
    "staff.login_code": "public",
    "staff.language": "public",
    "staff.logout": STAFF,
    "staff.account": STAFF,
    "staff.change_own_password": STAFF,
    "staff.residents": Permission.VIEW_RESIDENTS,
    "staff.resident": Permission.VIEW_RESIDENTS,
    "staff.verifications": Permission.REVIEW_VERIFICATIONS,
    "staff.verification": Permission.REVIEW_VERIFICATIONS,
    "staff.decide_verification_page": Permission.REVIEW_VERIFICATIONS,
    "staff.audit_log": Permission.VIEW_AUDIT_LOG,
    "staff.registry_import": Permission.IMPORT_REGISTRY,
    "staff.members": Permission.ADMINISTER,
    "staff.add_member": Permission.ADMINISTER,
    "staff.change_member": Permission.ADMINISTER,
}


def _staff_rules(app: Flask):  # type: ignore[no-untyped-def]
    for rule in app.url_map.iter_rules():
        if rule.rule == "/staff" or rule.rule.startswith("/staff/"):
            yield rule


def _url(rule) -> str:  # type: ignore[no-untyped-def]
    return rule.build({name: "x" for name in rule.arguments}, append_unknown=False)[1]


def _as(client, staff_id: str | None, now: float,  # type: ignore[no-untyped-def]
        container: Container | None = None) -> None:
    generation = 0
    if staff_id and container is not None:  # POST /staff/logout ended the account's sessions
        generation = active_member(staff_id, uow=container.uow()).session_generation
    with client.session_transaction() as session:
        session.clear()
        session["_csrf"] = "route-test-token"
        if staff_id:
            session.update(staff_id=staff_id, staff_signed_in_at=now, staff_seen_at=now,
                           staff_generation=generation)


def test_every_staff_route_has_a_staff_rule_and_the_pinned_ones_keep_theirs(app: Flask) -> None:
    rules = {rule.endpoint: rule_of(app.view_functions[rule.endpoint])
             for rule in _staff_rules(app)}
    assert rules, "no staff routes"
    for endpoint, rule in rules.items():
        view = app.view_functions[endpoint]
        assert rule is not None, f"{endpoint} has no access rule"
        assert rule == "public" or getattr(view, "staff_rule", None) is not None, (
            f"{endpoint}: staff pages use requires_staff_permission / requires_staff")
    for endpoint, expected in PINNED.items():
        assert rules.get(endpoint) == expected, endpoint


def test_every_staff_route_answers_each_role_as_its_rule_says(app: Flask,
                                                               container: Container) -> None:
    accounts = {role: make_staff(container, f"route-{role.value.replace('_', '-')}", role)
                for role in Role}
    now = container.clock().now().timestamp()
    client = app.test_client()
    wrong = []
    for rule in _staff_rules(app):
        access = rule_of(app.view_functions[rule.endpoint])
        url = _url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": "route-test-token"} if method != "GET" else None
            _as(client, None, now)
            response = client.open(url, method=method, data=data)
            signed_out_refused = response.status_code == 401 or (
                response.status_code == 302 and "/staff/login" in response.location
                and "/staff/login" not in url)
            if (access == "public") == signed_out_refused:
                wrong.append((method, url, "anonymous", response.status_code))
            for role, staff_id in accounts.items():
                _as(client, staff_id, now, container)
                response = client.open(url, method=method, data=data)
                allowed = access in ("public", STAFF) or allows(role, access)
                refused = response.status_code == 403
                if allowed == refused or response.status_code >= 500:
                    wrong.append((method, url, role.value, response.status_code))
    assert wrong == []
