"""The OpenID Connect identity adapter (デジタル認証アプリ, JPKI brokers) against a local provider:
the whole flow over HTTP, and every doubtful answer refused with a code the caller can tell
apart and a message the resident can read."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc.jwk import ECKey, RSAKey

from adapters.identity import (
    ClaimMapping,
    MemoryAttempts,
    OidcIdentityProvider,
    VerificationFailed,
)
from application.ports.identity import VerificationAttempt
from domain.values import Address, DateOfBirth, PersonName, Sex
from tests.fakes import JST, FakeClock
from tests.support.oidc_server import LocalOidcProvider, running_oidc_server, signing_key

pytestmark = pytest.mark.integration

CLIENT_ID = "madoguchi-higashikawa"
REDIRECT_URI = "https://madoguchi.example/verify/callback"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 6, 1, 9, 0, tzinfo=JST))


@pytest.fixture
def client_key() -> RSAKey:
    return signing_key("client-1")


@pytest.fixture
def server(clock: FakeClock, client_key: RSAKey) -> Iterator[LocalOidcProvider]:
    with running_oidc_server(client_id=CLIENT_ID, client_public_jwk=client_key.as_dict(),
                             redirect_uri=REDIRECT_URI, clock=clock) as provider:
        yield provider


@pytest.fixture
def attempts() -> MemoryAttempts:
    return MemoryAttempts()


def _provider(issuer: str, attempts: MemoryAttempts, clock: FakeClock,
              key: Any, **options: Any) -> OidcIdentityProvider:
    return OidcIdentityProvider("digital-auth-app", issuer, CLIENT_ID, key, REDIRECT_URI,
                                attempts, clock, **options)


@pytest.fixture
def provider(server: LocalOidcProvider, attempts: MemoryAttempts, clock: FakeClock,
             client_key: RSAKey) -> OidcIdentityProvider:
    return _provider(server.issuer, attempts, clock, client_key.as_dict(private=True))


def _visit_provider(provider: OidcIdentityProvider, *, identity_id: str = "line-identity-1",
                    purpose: str = "registration") -> dict[str, str]:
    """What the resident's browser does: go to the provider, come back with the callback."""
    started = provider.start(identity_id=identity_id, purpose=purpose, return_to="/done")
    response = requests.get(started.url, allow_redirects=False, timeout=5)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return dict(parse_qsl(location.query))


def _refusal(provider: OidcIdentityProvider, params: dict[str, str]) -> VerificationFailed:
    with pytest.raises(VerificationFailed) as caught:
        provider.complete(params)
    return caught.value


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


EXPECTED_NAME = PersonName(name="山田 花子", kana="ヤマダ ハナコ")
EXPECTED_ADDRESS = Address(text="北海道上川郡東川町東町1丁目16-1", postal_code="0711423")


# the whole flow


def test_a_resident_verifies_end_to_end_and_gets_the_four_facts(
    provider: OidcIdentityProvider, server: LocalOidcProvider, clock: FakeClock,
    attempts: MemoryAttempts,
) -> None:
    params = _visit_provider(provider, identity_id="line-identity-7", purpose="registration")

    verified = provider.complete(params)

    assert verified.facts.name == EXPECTED_NAME
    assert verified.facts.address == EXPECTED_ADDRESS
    assert verified.facts.date_of_birth == DateOfBirth(dt.date(1985, 4, 1))
    assert verified.facts.sex is Sex.FEMALE
    assert (verified.subject, verified.provider, verified.assurance) == (
        "dac-pairwise-0001", "digital-auth-app", "urn:example:acr:jpki-signature")
    assert (verified.identity_id, verified.purpose) == ("line-identity-7", "registration")
    assert verified.verified_at == clock.now()
    assert len(attempts) == 0
    assert server.userinfo_requests == 0


def test_the_provider_verified_our_pkce_verifier_and_signed_client_assertion(
    provider: OidcIdentityProvider, server: LocalOidcProvider, clock: FakeClock,
) -> None:
    provider.complete(_visit_provider(provider))

    [exchange] = server.exchanges
    assert exchange.pkce_verified
    assert exchange.assertion_alg == "RS256"
    claims = exchange.assertion_claims
    assert claims["iss"] == claims["sub"] == CLIENT_ID
    assert claims["aud"] == server.token_endpoint
    assert claims["iat"] == int(clock.now().timestamp())
    assert 0 < claims["exp"] - claims["iat"] <= 300


def test_the_authorization_request_carries_pkce_s256_state_nonce_and_the_scopes(
    provider: OidcIdentityProvider, server: LocalOidcProvider, attempts: MemoryAttempts,
) -> None:
    started = provider.start(identity_id="line-identity-1", purpose="registration",
                             return_to="/done")

    query = dict(parse_qsl(urlsplit(started.url).query))
    attempt = attempts.take(started.state)
    assert attempt is not None
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["scope"] == "openid name address birthdate gender"
    assert query["state"] == started.state and len(started.state) >= 22  # 128 bits or more
    assert query["nonce"] == attempt.nonce
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == _s256(attempt.code_verifier)
    assert "code_verifier" not in started.url


def test_the_facts_are_read_from_userinfo_when_the_id_token_lacks_them(
    provider: OidcIdentityProvider, server: LocalOidcProvider,
) -> None:
    server.claims_in_id_token = False

    verified = provider.complete(_visit_provider(provider))

    assert verified.facts.name == EXPECTED_NAME
    assert verified.facts.address == EXPECTED_ADDRESS
    assert verified.facts.sex is Sex.FEMALE
    assert server.userinfo_requests == 1


def test_a_client_with_an_ec_pem_key_authenticates_with_es256(
    server: LocalOidcProvider, attempts: MemoryAttempts, clock: FakeClock,
) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    server.client_public_key = ECKey.import_key(pem)
    provider = _provider(server.issuer, attempts, clock, pem)

    verified = provider.complete(_visit_provider(provider))

    assert verified.subject == "dac-pairwise-0001"
    assert server.exchanges[0].assertion_alg == "ES256"


# doubtful ID tokens


@pytest.mark.parametrize(("fault", "code"), [
    pytest.param("tampered", "oidc_invalid_token", id="payload-changed-after-signing"),
    pytest.param("foreign_key", "oidc_invalid_token", id="signed-with-a-key-not-published"),
    pytest.param("wrong_aud", "oidc_invalid_token", id="meant-for-another-client"),
    pytest.param("wrong_iss", "oidc_invalid_token", id="from-another-issuer"),
    pytest.param("expired", "oidc_invalid_token", id="expired"),
    pytest.param("alg_none", "oidc_invalid_token", id="unsigned-alg-none"),
    pytest.param("wrong_nonce", "oidc_nonce_mismatch", id="another-attempts-nonce"),
])
def test_a_doubtful_id_token_is_refused_without_repeating_personal_data(
    provider: OidcIdentityProvider, server: LocalOidcProvider, fault: Any, code: str,
) -> None:
    server.id_token_fault = fault

    refusal = _refusal(provider, _visit_provider(provider))

    assert refusal.code == code
    assert refusal.message == "本人確認の結果を確認できませんでした。もう一度お試しください。"
    assert "山田" not in str(refusal) and "田中" not in str(refusal)


def test_unsigned_id_tokens_cannot_be_allowed_by_configuration(
    server: LocalOidcProvider, attempts: MemoryAttempts, clock: FakeClock, client_key: RSAKey,
) -> None:
    with pytest.raises(ValueError):
        _provider(server.issuer, attempts, clock, client_key.as_dict(private=True),
                  algorithms=("RS256", "none"))


# attempts and callbacks


def test_a_replayed_callback_is_refused(
    provider: OidcIdentityProvider, server: LocalOidcProvider,
) -> None:
    params = _visit_provider(provider)
    provider.complete(params)

    refusal = _refusal(provider, params)

    assert refusal.code == "oidc_state_unknown"
    assert len(server.exchanges) == 1


def test_an_unknown_state_is_refused_before_the_code_is_used(
    provider: OidcIdentityProvider, server: LocalOidcProvider,
) -> None:
    params = _visit_provider(provider)

    refusal = _refusal(provider, {**params, "state": "forged-state"})

    assert refusal.code == "oidc_state_unknown"
    assert server.exchanges == [] and server.refusals == []


def test_a_code_the_provider_has_expired_is_refused(
    provider: OidcIdentityProvider, server: LocalOidcProvider, clock: FakeClock,
) -> None:
    server.code_lifetime = 5
    params = _visit_provider(provider)
    clock.advance(seconds=30)

    refusal = _refusal(provider, params)

    assert refusal.code == "oidc_code_rejected"
    assert server.refusals == [("invalid_grant", "code expired")]


def test_an_attempt_older_than_the_maximum_age_is_refused(
    provider: OidcIdentityProvider, server: LocalOidcProvider, clock: FakeClock,
) -> None:
    params = _visit_provider(provider)
    clock.advance(minutes=11)

    refusal = _refusal(provider, params)

    assert refusal.code == "oidc_expired"
    assert refusal.message == "本人確認の有効期限が切れました。最初からやり直してください。"
    assert server.exchanges == []


def test_a_resident_declining_at_the_provider_is_refused_and_the_attempt_is_spent(
    provider: OidcIdentityProvider, server: LocalOidcProvider, attempts: MemoryAttempts,
) -> None:
    server.authorize_error = "access_denied"
    params = _visit_provider(provider)

    refusal = _refusal(provider, params)

    assert params["error"] == "access_denied" and "code" not in params
    assert refusal.code == "oidc_provider_error"
    assert refusal.message == "本人確認が中止されました。もう一度お試しください。"
    assert len(attempts) == 0


def test_a_callback_from_another_issuer_is_refused(provider: OidcIdentityProvider) -> None:
    params = _visit_provider(provider)

    refusal = _refusal(provider, {**params, "iss": "https://impostor.example"})

    assert refusal.code == "oidc_provider_error"


# keys and availability


def test_the_keys_are_fetched_again_once_when_the_provider_rotates_them(
    provider: OidcIdentityProvider, server: LocalOidcProvider,
) -> None:
    provider.complete(_visit_provider(provider))
    server.rotate_keys()

    verified = provider.complete(_visit_provider(provider))

    assert verified.subject == "dac-pairwise-0001"
    assert (server.discovery_fetches, server.jwks_fetches) == (1, 2)


def test_a_key_unknown_even_after_fetching_the_keys_again_is_refused(
    provider: OidcIdentityProvider, server: LocalOidcProvider,
) -> None:
    provider.complete(_visit_provider(provider))
    server.id_token_fault = "foreign_key"
    server.rotate_keys()

    refusal = _refusal(provider, _visit_provider(provider))

    assert refusal.code == "oidc_invalid_token"
    assert server.jwks_fetches == 2


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_provider_is_reported_as_unavailable(
    attempts: MemoryAttempts, clock: FakeClock, client_key: RSAKey,
) -> None:
    provider = _provider(f"http://127.0.0.1:{_unused_port()}", attempts, clock,
                         client_key.as_dict(private=True), timeout=2)

    with pytest.raises(VerificationFailed) as caught:
        provider.start(identity_id="line-identity-1", purpose="registration",
                       return_to="/done")

    assert caught.value.code == "oidc_unavailable"
    assert caught.value.retryable
    assert len(attempts) == 0


def test_a_provider_going_down_during_the_verification_is_reported_as_unavailable(
    attempts: MemoryAttempts, clock: FakeClock, client_key: RSAKey,
) -> None:
    with running_oidc_server(client_id=CLIENT_ID, client_public_jwk=client_key.as_dict(),
                             redirect_uri=REDIRECT_URI, clock=clock) as server:
        provider = _provider(server.issuer, attempts, clock, client_key.as_dict(private=True),
                             timeout=2)
        params = _visit_provider(provider)

    assert _refusal(provider, params).code == "oidc_unavailable"


# revocation


def test_without_a_revocation_check_a_subject_counts_as_valid(
    provider: OidcIdentityProvider,
) -> None:
    assert provider.still_valid("dac-pairwise-0001")


def test_a_published_revocation_check_is_asked(
    provider: OidcIdentityProvider, server: LocalOidcProvider,
) -> None:
    server.publish_revocation_check = True
    server.revoked.add("moved-away")

    assert provider.still_valid("dac-pairwise-0001")
    assert not provider.still_valid("moved-away")


# privacy


def test_nothing_personal_and_no_token_is_logged(
    provider: OidcIdentityProvider, server: LocalOidcProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    provider.complete(_visit_provider(provider))
    server.id_token_fault = "wrong_nonce"
    _refusal(provider, _visit_provider(provider))
    server.authorize_error = "access_denied"
    _refusal(provider, _visit_provider(provider))

    logged = caplog.text
    assert all(secret not in logged for secret in ("山田", "ヤマダ", "1985", "東川町", "eyJ"))


def test_an_attempt_shows_no_secret_in_its_repr(clock: FakeClock) -> None:
    attempt = VerificationAttempt(state="s" * 43, nonce="n" * 43, code_verifier="v" * 64,
                                  identity_id="line-identity-1", purpose="registration",
                                  provider="digital-auth-app", created_at=clock.now())

    assert not {"s" * 43, "n" * 43, "v" * 64} & set(repr(attempt).replace("'", " ").split())


# the attempt store


def test_an_attempt_is_taken_once_even_by_concurrent_callbacks(clock: FakeClock) -> None:
    attempts = MemoryAttempts()
    attempts.save(VerificationAttempt(state="state-1", nonce="n", code_verifier="v",
                                      identity_id="line-identity-1", purpose="registration",
                                      provider="digital-auth-app", created_at=clock.now()))
    taken: list[object] = []
    start = threading.Barrier(8)

    def take() -> None:
        start.wait()
        taken.append(attempts.take("state-1"))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(attempt is not None for attempt in taken) == 1


# claim mapping


def test_a_name_in_family_and_given_parts_with_a_hiragana_reading_is_read() -> None:
    facts = ClaimMapping().facts_from({
        "family_name": "佐藤", "given_name": "一郎", "name#ja-Kana-JP": "さとう いちろう",
        "address": "北海道上川郡東川町北町2丁目", "birthdate": "1950-12-31", "gender": "1",
    })

    assert facts.name == PersonName(name="佐藤 一郎", kana="サトウ イチロウ")
    assert facts.address == Address(text="北海道上川郡東川町北町2丁目")
    assert facts.sex is Sex.MALE


def test_claim_names_can_be_configured_for_a_provider() -> None:
    mapping = ClaimMapping(name=("jpki_name",), address=("jpki_address",),
                           birthdate=("jpki_birthdate",), sex=("jpki_sex",))

    facts = mapping.facts_from({"jpki_name": "鈴木 次郎", "jpki_address": "東京都千代田区1-1",
                                "jpki_birthdate": "2001-02-03", "jpki_sex": "2"})

    assert facts.name.name == "鈴木 次郎" and facts.sex is Sex.FEMALE


@pytest.mark.parametrize(("claims", "code"), [
    pytest.param({"name": "佐藤 一郎", "address": "東京都", "birthdate": "1950-12-31"},
                 "oidc_missing_claims", id="no-sex"),
    pytest.param({"name": "佐藤 一郎", "address": "東京都", "birthdate": "1950-02-30",
                  "gender": "male"}, "oidc_invalid_claims", id="impossible-date"),
])
def test_missing_or_unreadable_facts_are_refused_without_repeating_them(
    claims: dict[str, Any], code: str,
) -> None:
    with pytest.raises(VerificationFailed) as caught:
        ClaimMapping().facts_from(claims)

    assert caught.value.code == code
    assert "1950" not in caught.value.message and "佐藤" not in caught.value.message
