"""No page shows a raw key: every page a GET route of ROUTES (tests/e2e/test_audit_every_route.py)
renders in the seeded town is read by tests/support/raw_keys.py, in Japanese and in English.

`LEFT_FOR_OTHERS` lists, per route, the raw keys still shown on pages other slices of issue 13
rewrite (benefit programs, previews, imports, the postal page, applications, batches, the audit
log). Each is allowed only where listed: remove an entry once its page is fixed, and the test
keeps it fixed. A listed key that no longer shows fails too, so the list cannot go stale."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from entrypoints.containers import Container
from tests.e2e.test_audit_every_route import ROUTES, banks, town  # noqa: F401 (its fixtures)
from tests.support.calling_routes import Route, acting, call
from tests.support.every_route_town import Town
from tests.support.raw_keys import allowed, key_of, raw_keys

pytestmark = pytest.mark.e2e

# Routes whose answer is no page a person reads as text (files, JSON, a redirect away).
NOT_PAGES = {"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json", "/static/<path:filename>",
             "/staff/jobs/<job_id>/status", "/staff/lang/<code>", "/r/lang/<code>",
             "/payments/certificates/<request_id>/pay", "/payments/fees/<fee_id>/pay",
             "/staff/benefits/programs/<program_id>/postal.csv",
             "/staff/benefits/programs/<program_id>/applications.csv",
             "/staff/benefits/programs/<program_id>/applications.xlsx",
             "/staff/benefits/applications/<application_id>/passbook",
             "/staff/certificates/<request_id>/slip.pdf", "/identity/callback/oidc",
             "/staff/cases/<case_id>/photo", "/staff/cases/export",
             "/staff/procedures/<procedure_id>/export", "/n/<token>/go/<int:index>",
             "/n/<token>/image", "/staff/kpi/export", "/staff/kpi/report.pdf",
             "/staff/surveys/<survey_id>/export"}

PAGES = [route for route in ROUTES if route.method == "GET" and route.who != "api"
         and not route.who.startswith("api:") and route.rule not in NOT_PAGES]

# Raw keys on pages other helpers of issue 13 own, seen on this branch (rule → keys). The lead
# removes an entry when the branch that fixes its page is merged.
LEFT_FOR_OTHERS: dict[str, set[str]] = {}


def _page(route: Route, town: Town, client: FlaskClient,  # noqa: F811
          container: Container, language: str) -> str:
    who = acting(route.who, client, container, town)
    if language == "en":
        client.get("/staff/lang/en")
    made = route.prepare(client, town) if route.prepare is not None else None
    response = call(route, client, town, container, who, made)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html", response.mimetype
    return response.get_data(as_text=True)


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("route", PAGES, ids=str)
def test_no_page_shows_a_raw_key(route: Route, language: str, town: Town,  # noqa: F811
                                 client: FlaskClient, container: Container) -> None:
    html = _page(route, town, client, container, language)

    found = raw_keys(html, words=language == "ja")

    left = LEFT_FOR_OTHERS.get(route.rule, set())
    shown = [hit for hit in found if not allowed(key_of(hit), left)]
    assert shown == [], f"raw keys on {route.path or route.rule}:\n" + "\n".join(shown)
    keys = {key_of(hit) for hit in found}
    fixed = {entry for entry in left if not entry.startswith("re:")} - keys
    assert sorted(fixed) == [] or language == "en", "fixed: remove them from LEFT_FOR_OTHERS"
