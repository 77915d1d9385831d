"""Every kind of page carries the security headers: only the app's own scripts (an inline one
only with the response's nonce), never framed, never sniffed, and nothing cached of the pages
that show personal data or take payments (staff, identity, payments, the REST API)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from application.access.actor import SYSTEM
from demo.seeding_town import SeedDemoTown, seed_demo_town
from domain.staff import Role
from domain.values import Money
from entrypoints.containers import Container
from tests.e2e.staff_support import make_staff, sign_in

pytestmark = pytest.mark.e2e


def _framed_or_sniffed(headers: Any) -> list[str]:
    problems = []
    if headers.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options")
    if "frame-ancestors 'none'" not in headers.get("Content-Security-Policy", ""):
        problems.append("frame-ancestors")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    if headers.get("Referrer-Policy") != "same-origin":
        problems.append("Referrer-Policy")
    return problems


def test_the_identity_card_page_is_not_stored_and_allows_only_its_own_nonced_script(
        container: Container, client: FlaskClient) -> None:
    seed_demo_town(SeedDemoTown(actor=SYSTEM, households=2), uow_factory=container.uow,
                   ids=container.ids(), clock=container.clock(),
                   hasher=container.password_hasher(), keyer=container.match_keyer(),
                   policy=container.contact_policy())  # its people: the page's fill-in script

    response = client.get("/identity/dev-card?state=x")

    policy = response.headers["Content-Security-Policy"]
    assert response.status_code == 200
    assert _framed_or_sniffed(response.headers) == []
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split(";")[1]
    assert "form-action 'self'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)
    scripts = re.findall(r"<script[^>]*>", response.get_data(as_text=True))
    assert nonce is not None and scripts
    assert all(f'nonce="{nonce.group(1)}"' in tag for tag in scripts)
    again = client.get("/identity/dev-card?state=x").headers["Content-Security-Policy"]
    assert nonce.group(1) not in again  # a fresh nonce for each response


def test_payment_pages_are_not_stored_nor_framed(container: Container,
                                                 client: FlaskClient) -> None:
    started = container.payment_gateway().create(
        reference="ref-headers", amount=Money(410), description="住民票の写し",
        return_url="http://localhost/payments/return/ref-headers",
        cancel_url="http://localhost/payments/return/ref-headers?cancelled=1")

    response = client.get(f"/payments/fake/{started.provider_id}")

    assert response.status_code == 200
    assert _framed_or_sniffed(response.headers) == []
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.get("/payments/return/unknown").headers["Cache-Control"] == "no-store"


def test_api_answers_are_not_stored_and_allow_nothing_to_run(client: FlaskClient,
                                                             api_key: Any) -> None:
    response = client.get("/api/v1/programs", headers=api_key("viewer"))
    refused = client.get("/api/v1/programs")

    assert response.status_code == 200 and refused.status_code == 401
    for answer in (response, refused):
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert _framed_or_sniffed(answer.headers) == []


def test_staff_pages_keep_their_policy(container: Container, client: FlaskClient) -> None:
    make_staff(container, "kato", Role.VIEWER)
    sign_in(client, "kato")

    response = client.get("/staff/")

    assert response.headers["Cache-Control"] == "no-store"
    assert _framed_or_sniffed(response.headers) == []
    assert "form-action 'self'" in response.headers["Content-Security-Policy"]


def test_the_public_home_page_is_not_framed_but_may_be_cached(client: FlaskClient) -> None:
    response = client.get("/")

    assert _framed_or_sniffed(response.headers) == []
    assert "no-store" not in response.headers.get("Cache-Control", "")
