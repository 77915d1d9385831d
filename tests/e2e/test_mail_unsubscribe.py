"""The unsubscribe link of optional e-mail: a confirmation page, a one-click POST that takes
effect at once (RFC 8058), no address in the URL, and a made-up link that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient

from application.ports.audit import AuditQuery
from domain.channels import ChannelIdentity
from entrypoints.containers import Container

pytestmark = pytest.mark.e2e

ADDRESS = "hanako@example.jp"


@pytest.fixture
def identity(container: Container) -> str:
    with container.uow() as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(
            id="ident-mail", channel="email", address=ADDRESS,
            at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)))
        uow.commit()
    return "ident-mail"


def _path(container: Container, address: str = ADDRESS) -> str:
    link = container.unsubscribe_links().link_for(address)
    return "/mail/" + link.split("/mail/", 1)[1]


def _declined(container: Container) -> bool:
    with container.uow() as uow:
        return not uow.channel_identities.get_by_address("email", ADDRESS).takes_optional


def test_the_link_shows_a_confirmation_and_changes_nothing_until_posted(
        client: FlaskClient, container: Container, identity: str) -> None:
    path = _path(container)

    page = client.get(path)

    assert page.status_code == 200 and "配信を停止する" in page.text
    assert ADDRESS not in path and "hanako" not in page.text
    assert not _declined(container)


def test_one_click_declines_optional_mail_at_once_and_is_recorded_once(
        client: FlaskClient, container: Container, identity: str) -> None:
    path = _path(container)

    first = client.post(path, data={"List-Unsubscribe": "One-Click"})
    again = client.post(path, data={"List-Unsubscribe": "One-Click"})

    assert (first.status_code, again.status_code) == (200, 200)
    assert "配信を停止しました" in first.text and _declined(container)
    with container.uow() as uow:
        records = uow.audit.search(AuditQuery(action="channel.optional_declined"))
    assert [(r.actor_id, r.target_id, r.detail) for r in records] == [
        ("resident", identity, {"channel": "email"})]


def test_a_tampered_link_is_refused_and_changes_nothing(
        client: FlaskClient, container: Container, identity: str) -> None:
    path = _path(container)
    tampered = path[:-6] + ("AAAAAA" if not path.endswith("AAAAAA") else "BBBBBB")

    page = client.get(tampered)
    posted = client.post(tampered)

    assert (page.status_code, posted.status_code) == (404, 404)
    assert "このリンクは正しくありません" in posted.text and not _declined(container)
