"""Helpers for staff UI tests: accounts per role, signing in, the CSRF token of a page."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from application.access.actor import Actor
from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
from domain.staff import Role
from entrypoints.containers import Container

PASSWORD = "correct horse battery"


def make_staff(container: Container, login_id: str, role: Role | str,
               name: str = "試験 職員") -> str:
    role_value = role.value if isinstance(role, Role) else role
    return create_staff_member(
        CreateStaffMember(login_id=login_id, display_name=name, role=role_value,
                          password=PASSWORD, actor=Actor.operator("test")),
        uow=container.uow(), ids=container.ids(), hasher=container.password_hasher(),
        clock=container.clock())


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def sign_in(client: FlaskClient, login_id: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"login_id": login_id, "password": password,
                                             "csrf_token": csrf_of(page.get_data(as_text=True))})


def token(client: FlaskClient) -> str:
    """The session's CSRF token (sign in first)."""
    with client.session_transaction() as session:
        return session["_csrf"]
