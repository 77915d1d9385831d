"""An identity plug-in's callback (ADR 0073): `GET`/`POST /identity/callback/<name>` serves the
chosen identity provider, whoever wrote it, through its adapter's `complete`, as
/identity/callback/oidc serves OpenID Connect: the resident lands on the result page, the
verification is registered, and the attempt's state works once. Another name, and the built-in
providers with routes of their own, are not there (404).

The plug-in here is a stand-in made of the development card's adapter under another name (a
package's entry point would bring it; the route sees only the chosen name and the adapter)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient
from sqlalchemy import func, select

from adapters.identity.dev_card import DevCardProvider
from adapters.persistence.orm.residents import identity_verifications
from application.ports.plugins import identity_callback_path
from domain.channels import ChannelIdentity
from entrypoints.containers import Container
from tests import builders as b

pytestmark = pytest.mark.e2e

NAME = "card-idp"


@pytest.fixture
def plugin(container: Container) -> Iterator[DevCardProvider]:
    """The chosen identity provider is `card-idp`, its adapter the card's; a LINE user waits."""
    adapter = DevCardProvider(
        page_url=f"{container.config.public_url()}{identity_callback_path(NAME)}",
        attempts=container.verification_attempts(), clock=container.clock())
    container.config.identity_provider.from_value(NAME)
    container.identity_provider.override(providers.Object(adapter))
    with container.uow() as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(
            id="i1", channel="line", address="U" + "1" * 32, at=container.clock().now()))
        uow.commit()
    yield adapter
    container.identity_provider.reset_override()


def _callback(adapter: DevCardProvider) -> dict[str, str]:
    started = adapter.start(identity_id="i1", purpose="registration", return_to="")
    assert started.url.startswith(f"http://127.0.0.1:8000{identity_callback_path(NAME)}?")
    facts = b.resident().facts
    return {"state": started.state, "name": facts.name.name, "kana": facts.name.kana or "",
            "address": facts.address.text, "postal_code": facts.address.postal_code or "",
            "date_of_birth": facts.date_of_birth.value.isoformat(), "sex": facts.sex.value}


def _registered(container: Container) -> int:
    with container.engine().connect() as connection:
        return int(connection.execute(
            select(func.count()).select_from(identity_verifications)).scalar_one())


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_chosen_plugins_callback_completes_the_attempt_once(
        container: Container, client: FlaskClient, plugin: DevCardProvider,
        method: str) -> None:
    params = _callback(plugin)
    path = identity_callback_path(NAME)

    def call() -> tuple[int, str]:
        answer = (client.get(f"{path}?{urllib.parse.urlencode(params)}") if method == "GET"
                  else client.post(path, data=params))
        return answer.status_code, answer.get_data(as_text=True)

    status, page = call()
    assert status == 200 and "本人確認を受け付けました" in page
    assert _registered(container) == 1

    status, page = call()  # the same state again
    assert status == 400 and _registered(container) == 1


def test_only_the_chosen_plugins_callback_is_there(container: Container, client: FlaskClient,
                                                  plugin: DevCardProvider) -> None:
    params = urllib.parse.urlencode(_callback(plugin))
    for name in ("another-idp", "dev_card"):
        assert client.get(f"{identity_callback_path(name)}?{params}").status_code == 404
    assert client.post(identity_callback_path("oidc"), data={}).status_code == 404
    assert _registered(container) == 0
