"""Helpers for staff UI tests: accounts per role, signing in, the CSRF token of a page."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from application.access.actor import Actor
from application.associations.creating_association import CreateAssociation, create_association
from application.associations.creating_leader import CreateLeader, create_leader
from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
from domain.staff import Role
from entrypoints.containers import Container

PASSWORD = "correct horse battery"


def make_staff(container: Container, login_id: str, role: Role | str,
               name: str = "試験 職員") -> str:
    """An account of `role`; a 自治会長 leads an association of their own (「<login>の自治会」)."""
    role_value = role.value if isinstance(role, Role) else role
    if role_value == Role.ASSOCIATION_LEADER.value:
        return make_leader(container, login_id, name=name)
    return create_staff_member(
        CreateStaffMember(login_id=login_id, display_name=name, role=role_value,
                          password=PASSWORD, actor=Actor.operator("test")),
        uow=container.uow(), ids=container.ids(), hasher=container.password_hasher(),
        clock=container.clock())


def make_leader(container: Container, login_id: str, *, association_id: str = "",
                name: str = "試験 会長") -> str:
    """A 自治会長's account, leading `association_id` (a new association when "")."""
    operator = Actor.operator("test")
    if not association_id:
        association_id = create_association(
            CreateAssociation(name=f"{login_id}の自治会", actor=operator),
            uow=container.uow(), ids=container.ids(), clock=container.clock())
    return create_leader(
        CreateLeader(association_id=association_id, login_id=login_id, display_name=name,
                     password=PASSWORD, actor=operator),
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
