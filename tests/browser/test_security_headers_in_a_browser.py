"""The resident pages with their own scripts and forms still work under the security policy:
the development card page fills a test person in with its (nonced) script, and the fake
payment page's form pays and returns; the browser reports no policy violation."""

from __future__ import annotations

import pytest

from application.access.actor import SYSTEM
from demo.seeding_town import SeedDemoTown, seed_demo_town
from domain.values import Money
from entrypoints.containers import Container

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]


def _violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text)
            if "Content Security Policy" in message.text else None)
    return seen


def test_the_card_page_script_fills_in_a_test_person_under_the_policy(
        page, served: str, container: Container) -> None:  # type: ignore[no-untyped-def]
    seed_demo_town(SeedDemoTown(actor=SYSTEM, households=2), uow_factory=container.uow,
                   ids=container.ids(), clock=container.clock(),
                   hasher=container.password_hasher(), keyer=container.match_keyer(),
                   policy=container.contact_policy())
    violations = _violations(page)

    page.goto(f"{served}/identity/dev-card?state=x")
    page.locator("[data-person]").first.click()

    assert page.locator("#name").input_value() != ""
    assert page.locator("#date_of_birth").input_value() != ""
    assert violations == []


def test_the_fake_payment_form_pays_and_returns_under_the_policy(
        page, served: str, container: Container) -> None:  # type: ignore[no-untyped-def]
    started = container.payment_gateway().create(
        reference="ref-browser", amount=Money(410), description="住民票の写し",
        return_url=f"{served}/", cancel_url=f"{served}/?cancelled=1")
    violations = _violations(page)

    page.goto(f"{served}/payments/fake/{started.provider_id}")
    page.get_by_role("button", name="支払う").click()
    page.wait_for_url(f"{served}/")

    assert container.payment_gateway().find(started.provider_id).status.value != "created"
    assert violations == []
