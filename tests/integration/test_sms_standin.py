"""The SMS stand-in checks what a client sends as Twilio does, signs its callbacks as Twilio
signs, and shows each number's inbox with a way to reply (the simulator's SMS page)."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator

import pytest
import requests
from freezegun import freeze_time
from twilio.request_validator import RequestValidator

from adapters.line.simulator.sms import SmsStandIn, running_sms_standin
from tests.support.sms import ACCOUNT_SID, AUTH_TOKEN, SENDER

pytestmark = pytest.mark.integration

NUMBER = "+819012345678"
INBOUND = "https://town.example/sms/inbound"


@pytest.fixture
def posted() -> list[tuple[str, dict[str, str], dict[str, str]]]:
    return []


@pytest.fixture
def standin(posted: list) -> Iterator[SmsStandIn]:  # type: ignore[type-arg]
    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> int:
        posted.append((url, params, headers))
        return 200

    with running_sms_standin(ACCOUNT_SID, AUTH_TOKEN, SENDER, inbound_url=INBOUND,
                             post=post) as sms:
        yield sms


def _create(standin: SmsStandIn, account: str = ACCOUNT_SID, **form: str) -> requests.Response:
    auth = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    fields = {"To": NUMBER, "From": SENDER, "Body": "お知らせ",
              "StatusCallback": "https://town.example/sms/status", **form}
    return requests.post(f"{standin.base_url}/2010-04-01/Accounts/{account}/Messages.json",
                         data={k: v for k, v in fields.items() if v is not None},
                         headers={"Authorization": f"Basic {auth}"}, timeout=5)


@pytest.mark.parametrize(("form", "status", "code"), [
    ({"To": "09012345678"}, 400, 21211), ({"From": "+815099999999"}, 400, 21606),
    ({"Body": " "}, 400, 21602), ({"StatusCallback": "/relative"}, 400, 21609),
    ({"To": "+81312345678"}, 400, 21614),
])
def test_what_twilio_would_refuse_is_refused_with_its_code(standin: SmsStandIn, form: dict,  # type: ignore[type-arg]
                                                           status: int, code: int) -> None:
    answer = _create(standin, **form)
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert standin.messages == []


def test_another_account_is_not_found(standin: SmsStandIn) -> None:
    assert _create(standin, account="AC" + "f" * 32).status_code == 404


def test_a_message_is_answered_as_twilio_does_and_its_callbacks_are_signed(
        standin: SmsStandIn, posted: list) -> None:  # type: ignore[type-arg]
    answer = _create(standin)

    assert answer.status_code == 201
    body = answer.json()
    assert body["sid"].startswith("SM") and body["status"] == "queued"
    assert standin.pump_callbacks() == 2
    validator = RequestValidator(AUTH_TOKEN)
    assert [params["MessageStatus"] for _, params, _ in posted] == ["sent", "delivered"]
    assert all(validator.validate(url, params, headers["X-Twilio-Signature"])
               for url, params, headers in posted)
    assert standin.inbox(NUMBER)[0].status == "delivered"


def test_the_inbox_page_shows_each_number_and_a_reply_goes_signed_to_the_town(
        standin: SmsStandIn, posted: list) -> None:  # type: ignore[type-arg]
    _create(standin, Body="【給付金】こちらから申請できます")

    page = requests.get(f"{standin.base_url}/_sim/sms", timeout=5).text
    replied = requests.post(f"{standin.base_url}/_sim/sms/reply",
                            data={"from": "090-1234-5678", "body": "はい"}, timeout=5)

    assert NUMBER in page and "【給付金】こちらから申請できます" in page
    assert replied.status_code == 200
    [(url, params, headers)] = posted
    assert url == INBOUND and (params["From"], params["Body"]) == (NUMBER, "はい")
    assert RequestValidator(AUTH_TOKEN).validate(url, params, headers["X-Twilio-Signature"])


def test_a_reply_from_a_landline_is_refused_on_the_page(standin: SmsStandIn,
                                                        posted: list) -> None:  # type: ignore[type-arg]
    page = requests.post(f"{standin.base_url}/_sim/sms/reply",
                         data={"from": "03-1234-5678", "body": "はい"}, timeout=5).text
    assert "固定電話の番号にはSMSを送れません" in page
    assert posted == []


def test_the_simulator_posts_callbacks_by_itself() -> None:
    arrived = threading.Event()

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> int:
        if params.get("MessageStatus") == "delivered":
            arrived.set()
        return 204

    with running_sms_standin(ACCOUNT_SID, AUTH_TOKEN, SENDER, post=post,
                             auto_callbacks=True) as standin:
        assert _create(standin).status_code == 201
        assert arrived.wait(10)


def test_the_inbox_page_writes_times_as_the_staff_pages_do_in_japan_time(
        standin: SmsStandIn) -> None:
    with freeze_time("2026-12-05 00:06:00"):  # 9:06 in Japan: an hour a padded clock shows 00:06
        _create(standin, Body="【給付金】こちらから申請できます")
        page = requests.get(f"{standin.base_url}/_sim/sms", timeout=5).text

    assert "9:06" in page and "00:06" not in page
