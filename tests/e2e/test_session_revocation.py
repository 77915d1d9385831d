"""A session cookie copied before the staff member signs out, changes their password, is
deactivated or is signed out everywhere by an administrator opens no staff page afterwards."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import PASSWORD, make_staff, sign_in, token

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a brand new passphrase"


def _copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding the same session cookie (as a thief would)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie.value)
    return thief


def _opens_staff_pages(client: FlaskClient) -> bool:
    response = client.get("/staff/account")
    return response.status_code == 200


def _signed_in_copy(app: Flask, container: Container, client: FlaskClient) -> FlaskClient:
    make_staff(container, "kato", Role.CASE_WORKER)
    assert sign_in(client, "kato").status_code == 302
    thief = _copy(app, client)
    assert _opens_staff_pages(thief)  # the copy works while the session does
    return thief


def test_a_copied_cookie_opens_nothing_after_signing_out(
        app: Flask, container: Container, client: FlaskClient) -> None:
    thief = _signed_in_copy(app, container, client)

    assert client.post("/staff/logout", data={"csrf_token": token(client)}).status_code == 302

    refused = thief.get("/staff/account")
    assert refused.status_code == 302 and "/staff/login" in refused.location
    assert "このアカウントはログアウトされました" in thief.get(refused.location).get_data(
        as_text=True)


def test_a_copied_cookie_opens_nothing_after_a_password_change_but_this_session_stays(
        app: Flask, container: Container, client: FlaskClient) -> None:
    thief = _signed_in_copy(app, container, client)

    changed = client.post("/staff/account/password", data={
        "csrf_token": token(client), "current": PASSWORD, "new": NEW_PASSWORD,
        "confirmation": NEW_PASSWORD})

    assert changed.status_code == 302
    assert not _opens_staff_pages(thief)
    assert _opens_staff_pages(client)


def test_a_refused_password_change_signs_no_one_out(
        app: Flask, container: Container, client: FlaskClient) -> None:
    thief = _signed_in_copy(app, container, client)

    wrong = client.post("/staff/account/password", data={
        "csrf_token": token(client), "current": "not it", "new": NEW_PASSWORD,
        "confirmation": NEW_PASSWORD})

    assert wrong.status_code == 422
    assert _opens_staff_pages(thief) and _opens_staff_pages(client)


def _staff_id(container: Container, login_id: str) -> str:
    with container.engine().connect() as connection:
        return connection.execute(text("SELECT id FROM staff_members WHERE login_id = :l"),
                                  {"l": login_id}).scalar_one()


@pytest.mark.parametrize("change", ["deactivate", "sign_out_everywhere"])
def test_a_copied_cookie_opens_nothing_after_an_administrator_ends_the_account_s_sessions(
        app: Flask, container: Container, client: FlaskClient, change: str) -> None:
    thief = _signed_in_copy(app, container, client)
    make_staff(container, "boss", Role.ADMINISTRATOR)
    admin = app.test_client()
    sign_in(admin, "boss")
    if change == "sign_out_everywhere":
        assert "すべての端末からログアウト" in admin.get("/staff/members").get_data(as_text=True)

    done = admin.post(f"/staff/members/{_staff_id(container, 'kato')}/{change}",
                      data={"csrf_token": token(admin)})

    assert done.status_code == 302
    assert not _opens_staff_pages(thief) and not _opens_staff_pages(client)
    assert _opens_staff_pages(admin)


def test_after_signing_out_everywhere_the_staff_member_signs_in_again(
        app: Flask, container: Container, client: FlaskClient) -> None:
    _signed_in_copy(app, container, client)
    make_staff(container, "boss", Role.ADMINISTRATOR)
    admin = app.test_client()
    sign_in(admin, "boss")
    admin.post(f"/staff/members/{_staff_id(container, 'kato')}/sign_out_everywhere",
               data={"csrf_token": token(admin)})

    assert sign_in(client, "kato").status_code == 302
    assert _opens_staff_pages(client)
    with container.engine().connect() as connection:
        actions = list(connection.execute(text(
            "SELECT action FROM audit_log WHERE action = 'staff.sign_out_everywhere'")).scalars())
    assert actions == ["staff.sign_out_everywhere"]


def test_a_copied_cookie_stays_refused_when_a_deactivated_account_is_reactivated(
        app: Flask, container: Container, client: FlaskClient) -> None:
    thief = _signed_in_copy(app, container, client)
    make_staff(container, "boss", Role.ADMINISTRATOR)
    admin = app.test_client()
    sign_in(admin, "boss")
    kato = _staff_id(container, "kato")

    for change in ("deactivate", "reactivate"):
        assert admin.post(f"/staff/members/{kato}/{change}",
                          data={"csrf_token": token(admin)}).status_code == 302

    assert not _opens_staff_pages(thief)
    assert sign_in(client, "kato").status_code == 302 and _opens_staff_pages(client)
