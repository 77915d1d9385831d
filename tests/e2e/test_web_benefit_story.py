"""A household head without LINE, SMS or e-mail, on the web page only: they start fresh and
verify with the card, but the page pushes nothing (it is not a rung of the town's ladder), so
the campaign counts the household on the postal list and sends the page no notice: the paper
notice reaches them, as it reaches every household no channel does (ADR 0041)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from domain.values import JST
from entrypoints.containers import Container
from tests.e2e.test_benefit_story import _heads
from tests.e2e.test_registration import _card_form, _seed
from tests.support.resident_page import ResidentBrowser

pytestmark = pytest.mark.e2e


def test_a_head_on_the_web_page_only_is_on_the_postal_list(
    client: FlaskClient, container: Container, api_key: Any,
) -> None:
    _seed(container)
    [(number, head), *_] = _heads(container)
    staff = api_key("administrator")
    web = ResidentBrowser(client)
    web.open()
    web.press("はじめる")
    web.press("本人確認")
    card_url = web.link("本人確認をはじめる")
    assert client.post("/identity/dev-card",
                       data=_card_form(card_url, head.facts)).status_code == 200

    now = dt.datetime.now(JST)
    created = client.post("/api/v1/programs", headers=staff, json={
        "name": "物価高騰対策給付金", "amount_per_household": 30000,
        "eligibility_source": "住民税非課税世帯", "payout_methods": ["atm_cash"],
        "opens_at": (now - dt.timedelta(days=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=30)).isoformat()})
    assert created.status_code == 201, created.json
    program = created.json["id"]
    assert client.post(f"/api/v1/programs/{program}/status", headers=staff,
                       json={"status": "open"}).status_code == 200
    listing = f"世帯番号\r\n{number}\r\n".encode("cp932")
    assert client.post(f"/api/v1/programs/{program}/eligibility", headers=staff,
                       data={"file": (io.BytesIO(listing), "list.csv")},
                       content_type="multipart/form-data").status_code == 202
    preview = client.get(f"/api/v1/programs/{program}/campaigns/preview", headers=staff).json
    assert (preview["recipients"], preview["postal"]) == (0, 1)  # the page pushes nothing
    refused = client.post(f"/api/v1/programs/{program}/campaigns", headers=staff)
    assert refused.status_code == 409  # nobody to notify electronically

    web.open()
    assert "支給額は30,000円" not in " ".join(web.messages())
