"""The vendor's stand-in refuses what the vendor would: a wrong token, a request of the wrong
shape, a sender not the account's, a key reused for another message; and it answers a repeat
of a key with the first message's id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from madoguchi_sms_example.standin import StandIn, running_standin

TOKEN = "example-token"
SENDER = "+815012345678"
GOOD = {"from": SENDER, "to": "+819012345678", "text": "お知らせ"}


@pytest.fixture
def vendor() -> Iterator[StandIn]:
    with running_standin(TOKEN, SENDER) as standin:
        yield standin


def _post(vendor: StandIn, body: Any, *, token: str = TOKEN,
          key: str = "k-1") -> requests.Response:
    return requests.post(f"{vendor.base_url}/v1/messages", json=body, timeout=5,
                         headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})


def test_a_message_is_accepted_once_per_key_with_one_id(vendor: StandIn) -> None:
    first, again = _post(vendor, GOOD), _post(vendor, GOOD)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert [sent.body for sent in vendor.inbox("+819012345678")] == ["お知らせ"]


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"token": "wrong"}, 401, "unauthorized"),
    ({"key": ""}, 422, "invalid_request"),
    ({"body": {**GOOD, "extra": "x"}}, 422, "invalid_request"),
    ({"body": {"from": SENDER, "to": "+819012345678"}}, 422, "invalid_request"),
    ({"body": {**GOOD, "from": "+815099999999"}}, 403, "sender_not_allowed"),
    ({"body": {**GOOD, "to": "+81312345678"}}, 400, "invalid_recipient"),
])
def test_a_request_the_vendor_would_refuse_is_refused_and_sends_nothing(
        vendor: StandIn, change: dict[str, Any], status: int, code: str) -> None:
    answer = _post(vendor, change.get("body", GOOD), token=change.get("token", TOKEN),
                   key=change.get("key", "k-1"))

    assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
    assert vendor.inbox("+819012345678") == [] and vendor.inbox("+81312345678") == []
    assert "+81" not in answer.text  # an error never repeats the number


def test_a_key_reused_for_another_message_is_a_conflict(vendor: StandIn) -> None:
    _post(vendor, GOOD)
    answer = _post(vendor, {**GOOD, "text": "別の本文"})

    assert answer.status_code == 409
    assert len(vendor.inbox("+819012345678")) == 1


def test_an_injected_fault_answers_503_and_takes_nothing(vendor: StandIn) -> None:
    vendor.fail_next(1)

    assert _post(vendor, GOOD).status_code == 503
    assert vendor.inbox("+819012345678") == []
    assert _post(vendor, GOOD).status_code == 201
