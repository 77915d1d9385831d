"""Rate limits on sign-in, the code step, the identity pages and wrong API keys, with the
limits' default numbers (the other tests' apps have generous ones: tests/conftest.py)."""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable

import pyotp
import pytest
import redis
from flask import Flask, request
from flask.testing import FlaskClient
from flask_limiter import Limiter
from limits.storage import memory as memory_storage
from sqlalchemy import text
from werkzeug.test import TestResponse

from domain.staff_sign_in import StaffSignIn
from entrypoints.config import RATE_LIMITS
from entrypoints.containers import Container
from entrypoints.web import create_app
from entrypoints.web.rate_limits import _digest, _no_check_before_every_request
from tests.e2e.staff_support import PASSWORD, csrf_of, make_staff

pytestmark = pytest.mark.e2e

REFUSED = "しばらくお待ちください"


def _limited_app(container: Container, **settings: object) -> Flask:
    """The app with the default limits (and any setting given), counted in memory."""
    for name, value in RATE_LIMITS.items():
        getattr(container.config, name.removeprefix("MADOGUCHI_").lower()).from_value(value)
    for name, value in settings.items():
        getattr(container.config, name).from_value(value)
    return create_app(container)


@pytest.fixture
def limited(container: Container) -> FlaskClient:
    return _limited_app(container).test_client()


def _signing_in(client: FlaskClient) -> Callable[..., TestResponse]:
    token = csrf_of(client.get("/staff/login").get_data(as_text=True))

    def attempt(login_id: str, password: str = "wrong password", *, ip: str = "10.0.0.1",
                headers: dict[str, str] | None = None) -> TestResponse:
        return client.post("/staff/login", data={"login_id": login_id, "password": password,
                                                 "csrf_token": token},
                           environ_base={"REMOTE_ADDR": ip}, headers=headers or {})

    return attempt


def _is_refused(response: TestResponse) -> bool:
    if response.status_code != 429:
        return False
    assert REFUSED in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 3600
    return True


def test_the_sixth_attempt_on_one_login_id_is_refused_in_japanese_from_any_address(
        container: Container, limited: FlaskClient) -> None:
    make_staff(container, "sato", "viewer")
    make_staff(container, "suzuki", "viewer")
    attempt = _signing_in(limited)

    answers = [attempt("sato", ip=f"10.0.0.{n}") for n in range(1, 6)]
    sixth = attempt("  SATO ", ip="10.0.0.6")  # spaces and case make no new count

    assert [a.status_code for a in answers] == [422] * 5
    assert _is_refused(sixth)
    page = sixth.get_data(as_text=True)
    assert "<html" in page  # the staff frame's page, not JSON
    assert "ログイン画面へ戻る" in page and "ダッシュボードへ戻る" not in page  # nobody signed in
    assert attempt("suzuki", PASSWORD, ip="10.0.0.6").status_code == 302  # another account


def test_many_login_ids_from_one_address_are_refused_while_another_address_goes_on(
        limited: FlaskClient) -> None:
    attempt = _signing_in(limited)

    answers = [attempt(f"guess{n}", ip="192.0.2.7") for n in range(20)]
    refused = attempt("guess20", ip="192.0.2.7")

    assert [a.status_code for a in answers] == [422] * 20
    assert _is_refused(refused)
    assert attempt("guess20", ip="192.0.2.8").status_code == 422


class _LaterClock:
    """The limits' memory storage reads `time.time()`, on its own expiry thread too (so
    freezegun, which leaves threads their real time, cannot move it): this moves its clock."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def time(self) -> float:
        return time.time() + self.ahead


def test_the_limit_lifts_when_its_window_ends(limited: FlaskClient,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _LaterClock()
    monkeypatch.setattr(memory_storage, "time", clock)
    attempt = _signing_in(limited)
    for n in range(20):
        attempt(f"guess{n}", ip="192.0.2.9")
    assert _is_refused(attempt("guess20", ip="192.0.2.9"))

    clock.ahead = 61

    assert attempt("guess21", ip="192.0.2.9").status_code == 422


def test_the_code_step_counts_the_attempts_on_its_account(container: Container,
                                                          limited: FlaskClient) -> None:
    staff_id = make_staff(container, "kato", "viewer")
    with container.uow() as uow:
        state = StaffSignIn(staff_id=staff_id)
        state.enable_totp(pyotp.random_base32(), 1)
        uow.sign_ins.add(state)
        uow.commit()
    assert _signing_in(limited)("kato", PASSWORD).location.endswith("/staff/login/code")
    token = csrf_of(limited.get("/staff/login/code").get_data(as_text=True))

    answers = [limited.post("/staff/login/code", data={"csrf_token": token, "code": "000000"},
                            environ_base={"REMOTE_ADDR": f"10.0.1.{n}"}) for n in range(1, 7)]

    assert [a.status_code for a in answers[:5]] == [422] * 5
    assert _is_refused(answers[5])


def test_the_identity_page_is_limited_per_address_with_the_residents_page(
        limited: FlaskClient) -> None:
    resident = {"REMOTE_ADDR": "198.51.100.1"}
    answers = [limited.get("/identity/dev-card?state=s", environ_base=resident)
               for _ in range(30)]
    refused = limited.post("/identity/dev-card", data={"state": "s"}, environ_base=resident)

    assert [a.status_code for a in answers] == [200] * 30
    assert _is_refused(refused)
    assert "staff" not in refused.get_data(as_text=True)  # the resident's page
    assert limited.get("/identity/dev-card?state=s",
                       environ_base={"REMOTE_ADDR": "198.51.100.2"}).status_code == 200


def test_wrong_api_keys_from_one_address_are_refused_for_a_while_in_json(
        limited: FlaskClient, api_key: Callable[[str], dict[str, str]]) -> None:
    right = api_key("viewer")
    wrong = {"Authorization": "Bearer not-a-key"}

    answers = [limited.get("/api/v1/programs", headers=wrong,
                           environ_base={"REMOTE_ADDR": "203.0.113.5"}) for _ in range(10)]
    refused = limited.get("/api/v1/programs", headers=right,
                          environ_base={"REMOTE_ADDR": "203.0.113.5"})

    assert [a.status_code for a in answers] == [401] * 10
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "too_many_requests"
    assert refused.json["error"]["message"].startswith("短い時間に操作が続いたため")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert limited.get("/api/v1/programs", headers=right,
                       environ_base={"REMOTE_ADDR": "203.0.113.6"}).status_code == 200


def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(
        container: Container) -> None:
    direct = _signing_in(_limited_app(container).test_client())
    for n in range(20):
        direct(f"guess{n}", ip="192.0.2.1", headers={"X-Forwarded-For": f"198.51.100.{n}"})
    assert _is_refused(direct("guess20", ip="192.0.2.1",
                              headers={"X-Forwarded-For": "198.51.100.99"}))

    proxied = _signing_in(_limited_app(container, trusted_proxies=1).test_client())
    answers = [proxied(f"guess{n}", ip="192.0.2.1", headers={"X-Forwarded-For": f"198.51.100.{n}"})
               for n in range(21)]
    assert [a.status_code for a in answers] == [422] * 21


def test_the_first_refusal_is_logged_once_with_the_address_and_no_login_id(
        container: Container, limited: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    attempt = _signing_in(limited)
    with caplog.at_level(logging.INFO):
        for _ in range(8):
            attempt("watanabe", ip="10.9.9.9")

    lines = [r.getMessage() for r in caplog.records if "rate limit" in r.getMessage()]
    assert lines == ["rate limit sign_in_account reached from 10.9.9.9"]
    assert not [r for r in caplog.records if "watanabe" in r.getMessage()]


def test_an_unreachable_storage_refuses_nobody_wrongly_and_never_answers_500(
        container: Container) -> None:
    client = _limited_app(container, rate_limit_storage="redis://127.0.0.1:1/0").test_client()
    make_staff(container, "sato", "viewer")
    attempt = _signing_in(client)

    answers = [attempt("sato", ip="10.0.0.1") for _ in range(6)]

    assert [a.status_code for a in answers[:5]] == [422] * 5
    assert _is_refused(answers[5])  # counted in memory meanwhile
    assert client.get("/api/v1/programs", headers={"Authorization": "Bearer x"}).status_code \
        == 401


def test_the_limits_count_together_in_redis(container: Container) -> None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("Redis tier: set TEST_REDIS_URL to run it (.ci/run does)")
    login_id = f"redis-{uuid.uuid4().hex[:12]}"  # nothing left from an earlier run counts
    first = _signing_in(_limited_app(container, rate_limit_storage=url).test_client())
    second = _signing_in(_limited_app(container, rate_limit_storage=url).test_client())

    addresses = [f"10.0.2.{n}" for n in range(6)]
    try:
        answers = [(first if n % 2 else second)(login_id, ip=ip)
                   for n, ip in enumerate(addresses)]

        assert [a.status_code for a in answers[:5]] == [422] * 5
        assert _is_refused(answers[5])  # two apps (two processes' worth), one count
    finally:  # this test's counters go with it
        keys = [_digest("sign_in_account", login_id)]
        keys += [_digest("sign_in_address", ip) for ip in addresses]
        store = redis.Redis.from_url(url)
        for key in keys:
            for name in store.scan_iter(match=f"*{key}*"):
                store.delete(name)
        store.close()


def test_the_refusal_speaks_english_when_the_staff_member_asked_for_it(
        limited: FlaskClient) -> None:
    limited.get("/staff/lang/en")
    attempt = _signing_in(limited)
    for _ in range(5):
        attempt("ito")

    refused = attempt("ito")

    assert refused.status_code == 429
    assert "Please wait a moment" in refused.get_data(as_text=True)


def test_behind_a_trusted_proxy_the_audit_records_the_forwarded_address(
        container: Container) -> None:
    make_staff(container, "sato", "viewer")
    proxied = _signing_in(_limited_app(container, trusted_proxies=1).test_client())

    proxied("sato", PASSWORD, ip="192.0.2.1", headers={"X-Forwarded-For": "198.51.100.23"})

    with container.engine().connect() as connection:
        addresses = connection.execute(text(
            "SELECT ip FROM audit_log WHERE action LIKE 'staff.sign%'")).scalars().all()
    assert addresses and set(addresses) == {"198.51.100.23"}


def test_a_view_without_limits_asks_the_limiter_only_while_its_storage_is_down(
        container: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _limited_app(container)
    (limiter,) = app.extensions["limiter"]
    asked: list[str] = []
    monkeypatch.setattr(limiter, "_check_request_limit",
                        lambda *args, **kwargs: asked.append(request.path))
    client = app.test_client()

    client.get("/healthz")
    monkeypatch.setattr(limiter, "_storage_dead", True)  # then every request tries it again
    client.get("/healthz")

    assert asked == ["/healthz"]


def test_an_app_wide_limit_keeps_the_check_before_every_request_or_the_app_does_not_start(
) -> None:
    app = Flask(__name__)
    limiter = Limiter(lambda: "10.0.0.1", app=app, default_limits=["100/minute"],
                      storage_uri="memory://")

    with pytest.raises(RuntimeError, match="ADR 0032"):
        _no_check_before_every_request(app, limiter)
