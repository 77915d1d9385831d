"""The database out of reach: staff get a 503 page in Japanese, the API a 503 with code
`unavailable`, both with Retry-After; LINE gets a 500 so that it redelivers. (The fault tier,
tests/faults/test_database_outage.py, takes a real database away from the running app.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from adapters.line.simulator.webhooks import make_event, signed
from adapters.persistence.unit_of_work import session_factory
from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import make_staff, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def out_of_reach(container: Container, tmp_path: Path) -> Iterator[None]:
    """From here on the app's database is a file in a directory that does not exist."""
    gone = create_engine(f"sqlite:///{tmp_path / 'no-such-directory' / 'madoguchi.db'}")
    container.engine.override(gone)
    container.sessions.override(session_factory(gone))
    yield
    container.sessions.reset_override()
    container.engine.reset_override()
    gone.dispose()


def test_the_api_answers_503_unavailable_with_retry_after(
        container: Container, client: FlaskClient, api_key, request) -> None:  # type: ignore[no-untyped-def]
    headers = api_key("viewer")
    request.getfixturevalue("out_of_reach")

    answer = client.get("/api/v1/programs", headers=headers)

    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "unavailable"
    assert "データベースに接続できません" in answer.get_json()["error"]["message"]
    assert answer.headers["Retry-After"] == "30"


def test_staff_get_a_503_page_in_japanese_and_in_english_from_the_catalogue(
        container: Container, client: FlaskClient, request) -> None:  # type: ignore[no-untyped-def]
    make_staff(container, "kakari", Role.VIEWER)
    assert sign_in(client, "kakari").status_code in (200, 302)
    request.getfixturevalue("out_of_reach")

    page = client.get("/staff/")
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get("/staff/")

    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert page.mimetype == "text/html"
    assert "データベースに接続できません" in page.get_data(as_text=True)
    assert english.status_code == 503
    assert "The database cannot be reached" in english.get_data(as_text=True)


def test_line_is_answered_500_so_that_it_redelivers(
        container: Container, client: FlaskClient, request) -> None:  # type: ignore[no-untyped-def]
    request.getfixturevalue("out_of_reach")
    webhook = signed(container.config.line_channel_secret(), "Ubot", [
        make_event("message", "U" + "1" * 32, "01FAULTS0000000000000001",
                   # a text message has a quote token: without one the SDK drops the event
                   message={"type": "text", "id": "1", "text": "こんにちは",
                            "quoteToken": "q1"})])

    answer = client.post("/line/webhook", data=webhook.body, headers=webhook.headers())

    assert answer.status_code == 500
