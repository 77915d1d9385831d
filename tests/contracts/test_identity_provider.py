"""The `IdentityProvider` contract (madoguchi_contracts.identity) on every provider in the
repository: OpenID Connect against the local provider (discovery, JWKS, PKCE, private_key_jwt,
a revocation check) and the development card (its page's post played here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from adapters.identity import MemoryAttempts, OidcIdentityProvider
from adapters.identity.dev_card import DevCardProvider
from application.ports.identity import VerificationStarted
from madoguchi_contracts.identity import IdentityHarness, IdentityProviderContract
from tests.fakes import JST, FakeClock
from tests.support.oidc_server import DEFAULT_PERSON, running_oidc_server, signing_key

pytestmark = pytest.mark.integration

CLIENT_ID = "madoguchi-contract"
REDIRECT_URI = "https://madoguchi.example/verify/callback"


def _clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 6, 1, 9, 0, tzinfo=JST))


class TestOpenIdConnect(IdentityProviderContract):
    @pytest.fixture
    def harness(self) -> Iterator[IdentityHarness]:
        clock, attempts, key = _clock(), MemoryAttempts(), signing_key("client-1")
        with running_oidc_server(client_id=CLIENT_ID, client_public_jwk=key.as_dict(),
                                 redirect_uri=REDIRECT_URI, clock=clock,
                                 publish_revocation_check=True) as server:
            def at(issuer: str, timeout: float) -> OidcIdentityProvider:
                return OidcIdentityProvider("digital-auth-app", issuer, CLIENT_ID,
                                            key.as_dict(private=True), REDIRECT_URI, attempts,
                                            clock, timeout=timeout)

            def visit(started: VerificationStarted) -> dict[str, str]:
                answer = requests.get(started.url, allow_redirects=False, timeout=5)
                assert answer.status_code == 302
                return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))

            def decline(started: VerificationStarted) -> dict[str, str]:
                server.authorize_error = "access_denied"
                try:
                    return visit(started)
                finally:
                    server.authorize_error = None

            yield IdentityHarness(
                provider=at(server.issuer, 5), visit=visit,
                personal=(DEFAULT_PERSON["name"], DEFAULT_PERSON["address"]["formatted"],
                          DEFAULT_PERSON["birthdate"]),
                advance=lambda by: clock.advance(seconds=by.total_seconds()),
                decline=decline, revoke=server.revoked.add, at=at)


class TestDevelopmentCard(IdentityProviderContract):
    @pytest.fixture
    def harness(self) -> IdentityHarness:
        clock = _clock()
        provider = DevCardProvider(page_url="http://127.0.0.1:8000/identity/dev-card",
                                   attempts=MemoryAttempts(), clock=clock)

        def visit(started: VerificationStarted) -> dict[str, str]:
            """What the card page posts: the state from its URL and the four facts typed."""
            state = dict(parse_qsl(urlsplit(started.url).query))["state"]
            return {"state": state, "name": "山田 花子", "kana": "ヤマダ ハナコ",
                    "address": "北海道上川郡東川町東町1丁目16-1", "postal_code": "071-1423",
                    "date_of_birth": "1985-04-01", "sex": "女"}

        return IdentityHarness(provider=provider, visit=visit,
                               personal=("山田 花子", "東川町東町", "1985-04-01"),
                               advance=lambda by: clock.advance(
                                   seconds=by.total_seconds()))
