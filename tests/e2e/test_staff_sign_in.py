"""Staff sign-in over the app: CSRF on every form, lock-out, the second factor, expiry."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import PASSWORD, csrf_of, make_staff, sign_in, token

pytestmark = pytest.mark.e2e


def _audit_actions(container: Container) -> list[str]:
    """What the staff did (not the set-up: accounts made by the operator)."""
    with container.engine().connect() as connection:
        return list(connection.execute(text(
            "SELECT action FROM audit_log WHERE actor_label <> 'cli:test' ORDER BY seq"))
            .scalars())


def test_signing_in_opens_the_dashboard_and_is_audited(container: Container,
                                                       client: FlaskClient) -> None:
    make_staff(container, "kato", Role.VIEWER)

    response = sign_in(client, "kato")

    assert response.status_code == 302 and response.location.endswith("/staff/")
    assert "ダッシュボード" in client.get("/staff/").get_data(as_text=True)
    assert _audit_actions(container) == ["staff.sign_in"]


def test_a_page_asked_for_before_signing_in_opens_after_it(container: Container,
                                                           client: FlaskClient) -> None:
    make_staff(container, "kato", Role.VIEWER)
    response = client.get("/staff/account")
    assert response.status_code == 302 and "next=/staff/account" in response.location
    page = client.get(response.location).get_data(as_text=True)

    signed = client.post("/staff/login", data={"login_id": "kato", "password": PASSWORD,
                                               "next": "/staff/account",
                                               "csrf_token": csrf_of(page)})

    assert signed.location == "/staff/account"


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
        container: Container, client: FlaskClient) -> None:
    make_staff(container, "kato", Role.VIEWER)
    client.get("/staff/login")

    without = client.post("/staff/login", data={"login_id": "kato", "password": PASSWORD})
    forged = client.post("/staff/login", data={"login_id": "kato", "password": PASSWORD,
                                               "csrf_token": "forged"})

    assert without.status_code == forged.status_code == 400
    assert "もう一度お試しください" in without.get_data(as_text=True)
    assert _audit_actions(container) == []
    sign_in(client, "kato")
    assert client.post("/staff/logout").status_code == 400  # still signed in
    assert client.get("/staff/account").status_code == 200


def test_every_form_on_the_staff_pages_carries_the_csrf_token(container: Container,
                                                               client: FlaskClient) -> None:
    import re

    make_staff(container, "boss", Role.ADMINISTRATOR)
    pages = [client.get("/staff/login").get_data(as_text=True)]
    sign_in(client, "boss")
    for url in ("/staff/", "/staff/account", "/staff/residents", "/staff/verifications",
                "/staff/audit", "/staff/registry-import", "/staff/members"):
        response = client.get(url)
        if response.status_code == 200:
            pages.append(response.get_data(as_text=True))
    forms = [form for page in pages for form in re.findall(r"<form[^>]*>.*?</form>", page,
                                                           flags=re.S)]
    posting = [form for form in forms if 'method="post"' in form]
    assert posting
    assert all('name="csrf_token"' in form for form in posting)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(
        container: Container, client: FlaskClient) -> None:
    make_staff(container, "kato", Role.VIEWER)
    for _ in range(4):
        assert "パスワードが違います" in sign_in(client, "kato", "wrong password!").get_data(
            as_text=True)

    fifth = sign_in(client, "kato", "wrong password!")
    right = sign_in(client, "kato")

    assert "ログインできません" in fifth.get_data(as_text=True)
    assert right.status_code == 422 and "ログインできません" in right.get_data(as_text=True)
    with container.engine().connect() as connection:
        attempts, locked = connection.execute(
            text("SELECT failed_attempts, locked_until FROM staff_sign_ins")).one()
    assert attempts == 5 and locked is not None
    assert _audit_actions(container).count("staff.sign_in_failed") == 6


def test_the_lock_lifts_after_fifteen_minutes(container: Container, client: FlaskClient) -> None:
    from freezegun import freeze_time

    make_staff(container, "kato", Role.VIEWER)
    start = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    with freeze_time(start):
        for _ in range(5):
            sign_in(client, "kato", "wrong password!")
        assert sign_in(client, "kato").status_code == 422
    with freeze_time(start + dt.timedelta(minutes=16)):
        assert sign_in(client, "kato").status_code == 302


def test_with_the_second_factor_on_the_password_alone_is_not_enough(
        container: Container, client: FlaskClient) -> None:
    make_staff(container, "kato", Role.VIEWER)
    sign_in(client, "kato")
    started = client.post("/staff/account/totp/start", data={"csrf_token": token(client)})
    assert started.status_code == 302  # post/redirect/get: reloading shows the same secret
    page = client.get(started.location)
    secret = page.get_data(as_text=True).split('<p class="secret"><code>')[1].split("<")[0]
    assert secret in client.get(started.location).get_data(as_text=True)
    assert client.post("/staff/account/totp", data={
        "csrf_token": token(client), "code": "000000" if pyotp.TOTP(secret).now() != "000000"
        else "111111"}).status_code == 422
    enabled = client.post("/staff/account/totp", data={"csrf_token": token(client),
                                                       "code": pyotp.TOTP(secret).now()})
    assert enabled.status_code == 302
    client.post("/staff/logout", data={"csrf_token": token(client)})

    with_password = sign_in(client, "kato")
    assert with_password.location.endswith("/staff/login/code")
    assert client.get("/staff/").status_code == 302  # not signed in yet
    code_page = client.get("/staff/login/code").get_data(as_text=True)
    wrong = client.post("/staff/login/code", data={"csrf_token": csrf_of(code_page),
                                                   "code": "12345x"})
    assert wrong.status_code == 422
    future = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    right = client.post("/staff/login/code", data={"csrf_token": token(client),
                                                   "code": pyotp.TOTP(secret).at(future)})
    assert right.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert "staff.totp_enabled" in _audit_actions(container)


def test_a_session_ends_after_the_idle_time(app: Flask, container: Container) -> None:
    from freezegun import freeze_time

    make_staff(container, "kato", Role.VIEWER)
    client = app.test_client()
    start = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    with freeze_time(start):
        sign_in(client, "kato")
    with freeze_time(start + dt.timedelta(minutes=29)):
        assert client.get("/staff/").status_code == 200
    with freeze_time(start + dt.timedelta(minutes=29 + 31)):
        expired = client.get("/staff/")
        assert expired.status_code == 302 and "/staff/login" in expired.location
        assert "ログアウトしました" in client.get(expired.location).get_data(as_text=True)


def test_a_deactivated_account_is_signed_out_at_its_next_request(
        container: Container, client: FlaskClient) -> None:
    make_staff(container, "kato", Role.VIEWER)
    sign_in(client, "kato")
    with container.engine().begin() as connection:
        connection.execute(text("UPDATE staff_members SET active = false"))

    assert client.get("/staff/").status_code == 302


def test_the_pages_speak_english_when_asked(container: Container, client: FlaskClient) -> None:
    client.get("/staff/lang/en")

    page = client.get("/staff/login").get_data(as_text=True)

    assert "Sign in" in page and "Password" in page and '<html lang="en">' in page


def test_staff_pages_are_never_cached_framed_or_given_foreign_scripts(
        container: Container, client: FlaskClient) -> None:
    make_staff(container, "kato", Role.VIEWER)
    sign_in(client, "kato")

    headers = client.get("/staff/").headers

    assert headers["Cache-Control"] == "no-store" and headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "no-store" not in client.get("/healthz").headers.get("Cache-Control", "")


def test_staff_change_their_own_password_after_giving_the_current_one(
        container: Container, client: FlaskClient) -> None:
    make_staff(container, "kato", Role.VIEWER)
    sign_in(client, "kato")
    new = "a brand new passphrase"

    wrong = client.post("/staff/account/password", data={
        "csrf_token": token(client), "current": "not it", "new": new, "confirmation": new})
    mismatch = client.post("/staff/account/password", data={
        "csrf_token": token(client), "current": PASSWORD, "new": new, "confirmation": "x"})
    changed = client.post("/staff/account/password", data={
        "csrf_token": token(client), "current": PASSWORD, "new": new, "confirmation": new})

    assert wrong.status_code == mismatch.status_code == 422
    assert "現在のパスワードが違います" in wrong.get_data(as_text=True)
    assert changed.status_code == 302
    client.post("/staff/logout", data={"csrf_token": token(client)})
    assert sign_in(client, "kato", PASSWORD).status_code == 422
    assert sign_in(client, "kato", new).status_code == 302
    assert "staff.password_changed" in _audit_actions(container)
