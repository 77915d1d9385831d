"""Calling a route of the app as its entry in tests/e2e/test_audit_every_route.py says: who acts
(a staff member signed in, one signing in, an API key, a resident, anyone), the request filled in
from the town, and what the database and its audit log hold before and after."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from attrs import field, frozen
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from adapters.persistence import orm
from adapters.persistence.audit import SqlAuditTrail
from application.access.actor import Actor
from application.access.creating_api_key import CreateApiKey, create_api_key
from application.ports.audit import AuditRecord
from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import sign_in, token
from tests.support.every_route_town import Town

__all__ = [
    "Acting",
    "CommitRefused",
    "Route",
    "acting",
    "anyone",
    "api",
    "audit_head",
    "audit_since",
    "call",
    "every_row",
    "refusing_audited_commits",
    "resident",
    "staff",
]

Form = dict[str, Any] | Callable[[FlaskClient, Town], dict[str, Any]]


@frozen
class Route:
    method: str
    rule: str  # as app.url_map lists it
    who: str  # "staff:<role>" signed in, "signing-in:<role>", "api:<role>", "anyone", "resident"
    action: str | None  # the record one call leaves; None: changes nothing, shows no personal data
    why: str = ""  # for None: what the route shows or does instead
    path: str = ""  # the URL, filled from the town ("{t.draft_batch}"); "": the rule itself
    form: Form | None = None
    json: Any = None  # a JSON body (or a function of the client and the town making one)
    body: bytes | None = None  # sent as is (a CSV, a results file)
    upload: bytes | None = None  # a multipart "file"
    prepare: Callable[[FlaskClient, Town], Any] | None = None  # before the call, not counted
    follows: frozenset[str] = field(default=frozenset(), converter=frozenset)  # what followed
    call: Callable[[FlaskClient, Town, Container], TestResponse] | None = None  # a custom call

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.rule

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def staff(role: Role, method: str, rule: str, action: str | None, **how: Any) -> Route:
    return Route(method, rule, f"staff:{role.value}", action, **how)


def api(role: Role, method: str, rule: str, action: str | None, **how: Any) -> Route:
    return Route(method, rule, f"api:{role.value}", action, **how)


def anyone(method: str, rule: str, why: str, **how: Any) -> Route:
    return Route(method, rule, "anyone", None, why, **how)


def resident(method: str, rule: str, why: str, **how: Any) -> Route:
    """A resident's (or LINE's, or a payment provider's) request: nobody on the staff or API
    side acts, so nothing is audited."""
    return Route(method, rule, "resident", None, why, **how)


@frozen
class Acting:
    headers: dict[str, str]  # to send with the call
    actor_id: str  # as the audit log must name who acted
    actor_label: str


def acting(who: str, client: FlaskClient, container: Container, town: Town) -> Acting:
    """Sign in as `who`, or take an API key of its role (its creation is not the call)."""
    kind, _, role = who.partition(":")
    if kind == "staff":
        staff_id, login_id = town.staff[Role(role)]
        assert sign_in(client, login_id).status_code == 302
        return Acting({"X-CSRF-Token": token(client)}, staff_id, login_id)
    if kind == "signing-in":
        client.get("/staff/login")  # the form: the session's CSRF token
        staff_id, login_id = (town.second_factor if role == "second-factor"
                              else town.staff[Role(role)])
        return Acting({}, staff_id, login_id)
    if kind == "api":
        name = f"every-route-{role}"
        key = create_api_key(CreateApiKey(name=name, role=role, actor=Actor.operator("test"),
                                          organisation=name),
                             uow=container.uow(), ids=container.ids(), clock=container.clock())
        return Acting({"Authorization": f"Bearer {key.secret}"}, f"api:{key.id}", f"api:{name}")
    return Acting({}, "", "")


def call(route: Route, client: FlaskClient, town: Town, container: Container, as_: Acting,
         made: dict[str, str] | None = None) -> TestResponse:
    """One request, read to its end (a streamed download's look is recorded as it is sent).
    `made`: what `route.prepare` made, for the path and body ("{batch}")."""
    if route.call is not None:
        return route.call(client, town, container)
    headers = dict(as_.headers)
    if route.who.startswith("signing-in"):
        headers["X-CSRF-Token"] = token(client)
    made = made or {}
    form = route.form(client, town) if callable(route.form) else route.form
    body = route.json(client, town) if callable(route.json) else route.json
    sent: dict[str, Any] = {"headers": headers}
    if body is not None:
        sent["json"] = _fill(body, town, made)
    elif route.body is not None:
        sent.update(data=route.body, content_type="text/csv")
    elif route.upload is not None:
        sent.update(data={**_fill(form or {}, town, made),
                          "file": (io.BytesIO(route.upload), "upload.csv")},
                    content_type="multipart/form-data")
    elif form is not None:
        sent["data"] = _fill(form, town, made)
    response = client.open(_fill(route.path or route.rule, town, made), method=route.method,
                           **sent)
    response.get_data()
    response.close()
    return response


def _fill(value: Any, town: Town, made: dict[str, str]) -> Any:
    """`value` with "{t.<town attribute>}" and "{<what prepare made>}" filled in."""
    if isinstance(value, str):
        return value.format(t=town, **made)
    if isinstance(value, list):
        return [_fill(item, town, made) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, town, made) for key, item in value.items()}
    return value


def audit_head(container: Container) -> int:
    with container.uow() as uow:
        return uow.audit.head()[0]


def audit_since(container: Container, seq: int) -> list[AuditRecord]:
    with container.uow() as uow:
        return list(uow.audit.in_order(after_seq=seq, limit=100))


def every_row(container: Container) -> dict[str, list[str]]:
    """Every row of every table, the audit log's among them (to see that nothing was stored)."""
    with container.engine().connect() as connection:
        return {table.name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
                for table in orm.metadata.sorted_tables}


class CommitRefused(Exception):
    """The database refused to commit (a full disk, a lost connection)."""


@contextmanager
def refusing_audited_commits() -> Iterator[None]:
    """Every transaction that appended an audit record fails at its commit: after the use case
    wrote the change and its record, and the message bus what followed from them."""
    append = SqlAuditTrail.append

    def marking(self: SqlAuditTrail, *args: Any, **kwargs: Any) -> AuditRecord:
        self.session.info["audited"] = True
        return append(self, *args, **kwargs)

    def refuse(session: Session) -> None:
        if session.info.get("audited"):
            raise CommitRefused("the database refused to commit")

    SqlAuditTrail.append = marking  # type: ignore[method-assign]
    event.listen(Session, "before_commit", refuse)
    try:
        yield
    finally:
        event.remove(Session, "before_commit", refuse)
        SqlAuditTrail.append = append  # type: ignore[method-assign]
