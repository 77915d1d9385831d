"""Registration end to end: a resident taps 本人確認 in LINE (the simulator, the real SDK),
verifies on the development card page, comes back, and is matched to the registry; a
verification that does not match waits for staff, who decide it through the API."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from typing import Any

import pytest

from application.access.actor import SYSTEM
from demo.seeding_town import SeedDemoTown, seed_demo_town
from domain.channels import ChannelIdentity
from domain.verifications import VerificationStatus
from entrypoints.containers import Container
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def _seed(container: Container) -> None:
    seed_demo_town(SeedDemoTown(actor=SYSTEM, households=5), uow_factory=container.uow,
                   ids=container.ids(), clock=container.clock(),
                   hasher=container.password_hasher(), keyer=container.match_keyer(),
                   policy=container.contact_policy())


def _verify_url(stack: Stack, user: str) -> str:
    stack.sim.follow(user)
    stack.tap(user, "本人確認")
    card = stack.last(user)
    assert card["type"] == "flex"
    [button] = card["contents"]["footer"]["contents"]
    assert button["action"]["type"] == "uri"
    return button["action"]["uri"]


def _post(url: str, form: dict[str, str]) -> tuple[int, str]:
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _registry_person(container: Container) -> Any:
    with container.uow() as uow:
        return uow.queries.residents.first_residents(1)[0]


def _card_form(url: str, facts: Any, **changes: str) -> dict[str, str]:
    state = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["state"][0]
    form = {"state": state, "name": facts.name.name, "kana": facts.name.kana or "",
            "address": facts.address.text, "postal_code": facts.address.postal_code or "",
            "date_of_birth": facts.date_of_birth.value.isoformat(), "sex": facts.sex.value}
    form.update(changes)
    return form


def test_a_resident_verifies_with_the_card_and_is_linked_to_the_registry(stack: Stack) -> None:
    _seed(stack.container)
    person = _registry_person(stack.container)
    user = stack.resident()
    url = _verify_url(stack, user)

    with urllib.request.urlopen(url, timeout=30) as page:
        assert "開発用" in page.read().decode()
    # The card writes the name without a space and the address in full-width digits.
    facts = person.facts
    status, body = _post(url.split("?")[0], _card_form(
        url, facts, name=facts.name.name.replace(" ", ""),
        address=re.sub(r"\d", lambda m: chr(ord(m.group()) + 0xFEE0), facts.address.text)))

    assert status == 200 and "本人確認が完了しました" in body
    assert "本人確認が完了しました" in stack.texts(user)[-1]
    with stack.container.uow() as uow:
        identity: ChannelIdentity = uow.channel_identities.get_by_address("line", user)
        resident = uow.residents.get(identity.resident_id)
        assert resident.resident_number == person.resident_number
        assert resident.is_verified
    with stack.container.engine().connect() as connection:
        from sqlalchemy import text

        stored = connection.execute(text("SELECT facts, subject FROM identity_verifications")).one()
    assert facts.name.name.replace(" ", "") not in stored.facts  # encrypted at rest


def test_the_same_card_page_cannot_be_used_twice(stack: Stack) -> None:
    _seed(stack.container)
    person = _registry_person(stack.container)
    user = stack.resident()
    url = _verify_url(stack, user)
    form = _card_form(url, person.facts)

    first = _post(url.split("?")[0], form)
    again = _post(url.split("?")[0], form)

    assert first[0] == 200
    assert again[0] == 400 and "すでに使われています" in again[1]
    assert stack.count("identity_verifications") == 1


def test_bad_facts_on_the_card_page_are_explained_and_the_attempt_stays_usable(
    stack: Stack,
) -> None:
    _seed(stack.container)
    person = _registry_person(stack.container)
    user = stack.resident()
    url = _verify_url(stack, user)

    status, body = _post(url.split("?")[0], _card_form(url, person.facts,
                                                       date_of_birth="1985-02-30"))
    assert status == 400 and "存在しない日付" in body
    assert _post(url.split("?")[0], _card_form(url, person.facts))[0] == 200


def test_a_resident_who_moved_waits_for_staff_who_link_them(stack: Stack, api_key: Any) -> None:
    _seed(stack.container)
    person = _registry_person(stack.container)
    user = stack.resident()
    url = _verify_url(stack, user)

    _post(url.split("?")[0], _card_form(url, person.facts, address="見本県見本町栄町9丁目9番9号"))

    assert "職員の確認が必要" in stack.texts(user)[-1]
    client = __import__("entrypoints.web", fromlist=["create_app"]).create_app(
        stack.container).test_client()
    worker = api_key("case_worker")
    [queued] = client.get("/api/v1/verifications", headers=worker).json["verifications"]
    assert queued["outcome"] == "near" and "住所" in queued["reason"]
    assert [c["resident_id"] for c in queued["candidates"]] == [person.id]
    assert queued["candidates"][0]["facts"]["name"] == person.facts.name.name  # side by side
    assert queued["candidates"][0]["different"] == ["住所"]  # and compared fact by fact

    decided = client.post(f"/api/v1/verifications/{queued['id']}/decision",
                          json={"link_to": person.id}, headers=worker)
    again = client.post(f"/api/v1/verifications/{queued['id']}/decision",
                        json={"link_to": person.id}, headers=worker)

    assert decided.json["status"] == "linked" and again.status_code == 409
    assert "本人確認が完了しました" in stack.texts(user)[-1]
    with stack.container.uow() as uow:
        assert uow.verifications.get(queued["id"]).status is VerificationStatus.LINKED
        assert uow.channel_identities.get_by_address("line", user).resident_id == person.id


def test_someone_not_in_the_registry_is_never_linked(stack: Stack, api_key: Any) -> None:
    _seed(stack.container)
    user = stack.resident()
    url = _verify_url(stack, user)

    _post(url.split("?")[0], {"state": urllib.parse.parse_qs(
        urllib.parse.urlparse(url).query)["state"][0], "name": "来訪 一郎",
        "address": "東京都千代田区霞が関1丁目1番1号", "date_of_birth": "1970-01-01", "sex": "1"})

    with stack.container.uow() as uow:
        assert uow.channel_identities.get_by_address("line", user).resident_id is None
        [record] = uow.queries.residents.verifications(VerificationStatus.UNMATCHED)
        assert record.resident_id is None


def test_a_resident_verifies_through_an_oidc_provider_and_comes_back_linked(
    stack: Stack,
) -> None:
    import requests
    from joserfc.jwk import RSAKey

    from adapters.identity.oidc import OidcIdentityProvider
    from tests.support.oidc_server import running_oidc_server

    _seed(stack.container)
    person = _registry_person(stack.container)
    facts = person.facts
    claims = {"sub": "dac-pairwise-e2e", "name": facts.name.name,
              "address": {"formatted": facts.address.text},
              "birthdate": facts.date_of_birth.value.isoformat(),
              "gender": "male" if facts.sex.value == "1" else "female"}
    client_key = RSAKey.generate_key(2048, private=True)
    callback = f"{stack.app_url}/identity/callback/oidc"
    with running_oidc_server(client_id="madoguchi-test", client_public_jwk=client_key.as_dict(),
                             redirect_uri=callback, person=claims) as server:
        container = stack.container
        container.config.identity_provider.from_value("oidc")
        container.identity_provider.override(OidcIdentityProvider(
            "oidc", server.issuer, "madoguchi-test", client_key.as_dict(private=True), callback,
            container.verification_attempts(), container.clock()))
        user = stack.resident()
        url = _verify_url(stack, user)
        to_provider = requests.get(url, allow_redirects=False, timeout=10)
        back = requests.get(to_provider.headers["Location"], timeout=10)
        replayed = requests.get(to_provider.headers["Location"], timeout=10)

    assert back.status_code == 200 and "本人確認が完了しました" in back.text
    assert replayed.status_code == 400  # the same callback cannot be used twice
    with container.uow() as uow:
        assert uow.channel_identities.get_by_address("line", user).resident_id == person.id
    assert "本人確認が完了しました" in stack.texts(user)[-1]


def test_a_person_already_verified_from_one_account_is_not_linked_to_another(
    stack: Stack,
) -> None:
    _seed(stack.container)
    person = _registry_person(stack.container)
    first, second = stack.resident("本人"), stack.resident("別人")
    for user in (first, second):  # the second one used a link forwarded to the person
        url = _verify_url(stack, user)
        _post(url.split("?")[0], _card_form(url, person.facts))

    with stack.container.uow() as uow:
        assert uow.channel_identities.get_by_address("line", first).resident_id == person.id
        assert uow.channel_identities.get_by_address("line", second).resident_id is None
        [held] = uow.queries.residents.verifications(VerificationStatus.REVIEW)
        assert "別のLINEアカウント" in held.reason


def test_two_staff_deciding_the_same_verification_at_once_cannot_both_win(
    stack: Stack,
) -> None:
    from application.ports.unit_of_work import ConcurrentUpdate

    _seed(stack.container)
    person = _registry_person(stack.container)
    user = stack.resident()
    url = _verify_url(stack, user)
    _post(url.split("?")[0], _card_form(url, person.facts, address="見本県見本町栄町9丁目9番9号"))
    with stack.container.uow() as uow:
        [held] = uow.queries.residents.verifications(VerificationStatus.REVIEW)
    now = stack.container.clock().now()
    one, other = stack.container.uow(), stack.container.uow()

    with one, other:
        one.verifications.get(held.id).link(person.id, outcome=held.outcome, by="s1", at=now)
        other.verifications.get(held.id).reject(by="s2", at=now, reason="別人")
        one.commit()
        with pytest.raises(ConcurrentUpdate):
            other.commit()

    with stack.container.uow() as uow:
        assert uow.verifications.get(held.id).status is VerificationStatus.LINKED
