"""Configuration of the fee payment provider and the town's certificate fees."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.payments.fake import FakePaymentGateway
from adapters.payments.linepay import LinePayGateway
from adapters.payments.paypay import PayPayGateway
from domain.certificates import CertificateKind
from domain.values import Money
from entrypoints.config import ConfigurationError, Settings
from entrypoints.containers import build_container

pytestmark = pytest.mark.unit

PRODUCTION = {"MADOGUCHI_ENV": "production", "DATABASE_URL": "postgresql://x/y",
              "MADOGUCHI_DATA_KEYS": "k", "MADOGUCHI_SECRET_KEY": "s" * 32,
              "LINE_CHANNEL_SECRET": "a", "LINE_CHANNEL_ACCESS_TOKEN": "b",
              "MADOGUCHI_IDENTITY_PROVIDER": "oidc", "OIDC_ISSUER": "https://i",
              "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_KEY_FILE": "/k", "MADOGUCHI_MATCH_KEY": "m" * 32}


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **env})


def test_development_pays_with_the_fake_provider_and_the_usual_fees(tmp_path: Path) -> None:
    container = build_container(_settings(tmp_path))
    assert isinstance(container.payment_gateway(), FakePaymentGateway)
    quote = container.certificate_policy().fees.quote(CertificateKind.RESIDENT_RECORD, 2)
    assert quote.total == Money(710)


@pytest.mark.parametrize("provider, keys, kind", [
    ("paypay", {"PAYPAY_API_KEY": "k", "PAYPAY_API_SECRET": "s", "PAYPAY_MERCHANT_ID": "m"},
     PayPayGateway),
    ("linepay", {"LINEPAY_CHANNEL_ID": "1", "LINEPAY_CHANNEL_SECRET": "s"}, LinePayGateway),
])
def test_the_provider_is_chosen_by_name_with_its_keys(tmp_path: Path, provider: str,
                                                      keys: dict[str, str],
                                                      kind: type) -> None:
    settings = _settings(tmp_path, MADOGUCHI_PAYMENT_PROVIDER=provider, **keys)
    assert isinstance(build_container(settings).payment_gateway(), kind)


@pytest.mark.parametrize("env, variable", [
    ({"MADOGUCHI_PAYMENT_PROVIDER": "paypal"}, "MADOGUCHI_PAYMENT_PROVIDER"),
    ({"MADOGUCHI_PAYMENT_PROVIDER": "paypay", "PAYPAY_API_KEY": "k"}, "PAYPAY_API_SECRET"),
    ({"MADOGUCHI_PAYMENT_PROVIDER": "linepay"}, "LINEPAY_CHANNEL_ID"),
    ({"MADOGUCHI_CERTIFICATE_FEES": "resident_record=abc"}, "MADOGUCHI_CERTIFICATE_FEES"),
    ({"MADOGUCHI_CERTIFICATE_FEES": "passport=300"}, "MADOGUCHI_CERTIFICATE_FEES"),
    ({"MADOGUCHI_CERTIFICATE_POSTAGE": "-1"}, "MADOGUCHI_CERTIFICATE_POSTAGE"),
    ({"MADOGUCHI_CERTIFICATE_HOUSEHOLD_KINDS": "pets"}, "MADOGUCHI_CERTIFICATE_HOUSEHOLD"),
])
def test_a_payment_configuration_that_cannot_work_names_the_variable(
    tmp_path: Path, env: dict[str, str], variable: str,
) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        _settings(tmp_path, **env)


def test_production_refuses_the_fake_provider_and_needs_one_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="MADOGUCHI_PAYMENT_PROVIDER"):
        _settings(tmp_path, **PRODUCTION)
    with pytest.raises(ConfigurationError, match="refused in production"):
        _settings(tmp_path, **PRODUCTION, MADOGUCHI_PAYMENT_PROVIDER="fake")
    settings = _settings(tmp_path, **PRODUCTION, MADOGUCHI_PAYMENT_PROVIDER="paypay",
                         PAYPAY_API_KEY="k", PAYPAY_API_SECRET="s", PAYPAY_MERCHANT_ID="m")
    assert settings.paypay_base_url == "https://api.paypay.ne.jp"


def test_a_town_sets_its_fees_postage_and_household_rule(tmp_path: Path) -> None:
    settings = _settings(tmp_path, MADOGUCHI_CERTIFICATE_FEES="income=350, taxation=400",
                         MADOGUCHI_CERTIFICATE_POSTAGE="140",
                         MADOGUCHI_CERTIFICATE_HOUSEHOLD_KINDS="resident_record",
                         MADOGUCHI_CERTIFICATE_VERIFICATION_DAYS="30")
    policy = build_container(settings).certificate_policy()
    assert policy.fees.quote(CertificateKind.INCOME, 2).total == Money(840)
    assert policy.fees.quote(CertificateKind.RESIDENT_RECORD, 1).total == Money(440)
    assert not policy.household.allows_household(CertificateKind.INCOME)
    assert policy.verification_max_age.days == 30
