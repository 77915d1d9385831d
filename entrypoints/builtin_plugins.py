"""The adapters Madoguchi ships, registered as plug-ins the way a vendor's are (ADR 0069): each
is an entry point in pyproject.toml (`[project.entry-points."madoguchi.sms_providers"]` ...)
naming one of the `AdapterPlugin`s below, with its settings hook and its factory.

Their settings keep the names the town has always set (TWILIO_*, PAYPAY_*, LINEPAY_*, OIDC_*),
and their keys are fields of `Settings` (entrypoints/config.py). The payouts' (cash, transfer
file, bank master, bank calendar) have no settings of their own."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.banks.bank_calendar import JapaneseBankCalendar
from adapters.banks.zengin_master import ZenginBankMaster
from adapters.banks.zengin_reading import ZenginResultReader
from adapters.banks.zengin_transfer import ZenginTransferWriter
from adapters.identity.dev_card import DevCardProvider
from adapters.identity.oidc import OidcIdentityProvider
from adapters.payments.fake import FakePaymentGateway
from adapters.payments.linepay import LinePayGateway
from adapters.payments.paypay import PayPayGateway
from adapters.payouts.atm_cash import FakeAtmCashProvider, NoCashProvider
from adapters.sms.messenger import TwilioSms
from adapters.sms.webhook import STATUS_PATH
from application.ports.plugins import (
    AdapterPlugin,
    PluginSettingsError,
    TownServices,
    TransferFormat,
)
from entrypoints.sms_settings import twilio_settings

__all__ = ["dev_card", "fake_cash", "fake_payments", "japanese_banks", "linepay", "no_cash",
           "no_sms", "oidc", "paypay", "twilio", "zengin", "zengin_code"]


# -- SMS (ADRs 0039, 0044) ---------------------------------------------------------------------

def _twilio(settings: Mapping[str, Any], town: TownServices) -> TwilioSms:
    return TwilioSms(
        account_sid=settings["twilio_account_sid"], auth_token=settings["twilio_auth_token"],
        from_number=settings["sms_from"], status_callback_url=f"{town.public_url}{STATUS_PATH}",
        links=town.links, ledger=town.sms_ledger, api_base_url=settings["twilio_api_base_url"],
        now=town.clock.now)


twilio = AdapterPlugin(_twilio, twilio_settings, "Twilio's SDK (Programmable Messaging)")
# No SMS channel: the outbox refuses "sms" messages as it does any unknown channel.
no_sms = AdapterPlugin(lambda settings, town: None, summary="no SMS")


# -- Fee payments (ADR 0053) -------------------------------------------------------------------

_PAYMENT_HOSTS = {  # (sandbox, production)
    "paypay": ("https://stg-api.sandbox.paypay.ne.jp", "https://api.paypay.ne.jp"),
    "linepay": ("https://sandbox-api-pay.line.me", "https://api-pay.line.me"),
}


def _keys(env: Mapping[str, str], provider: str, *names: str) -> None:
    missing = [name for name in names if not env.get(name)]
    if missing:
        raise PluginSettingsError(f"{', '.join(missing)} required with "
                                  f"MADOGUCHI_PAYMENT_PROVIDER={provider}")


def _host(env: Mapping[str, str], production: bool, provider: str, variable: str) -> str:
    """The provider's API: `variable` if set, else its sandbox (MADOGUCHI_PAYMENT_SANDBOX=1,
    the default outside production) or its production host."""
    sandbox = env.get("MADOGUCHI_PAYMENT_SANDBOX", "" if production else "1") == "1"
    return env.get(variable) or _PAYMENT_HOSTS[provider][0 if sandbox else 1]


def _fake_settings(env: Mapping[str, str], production: bool) -> Mapping[str, object]:
    if production:
        raise PluginSettingsError("the fake payment provider is refused in production: set "
                                  "MADOGUCHI_PAYMENT_PROVIDER=paypay or linepay and its keys")
    return {}


def _paypay_settings(env: Mapping[str, str], production: bool) -> Mapping[str, object]:
    _keys(env, "paypay", "PAYPAY_API_KEY", "PAYPAY_API_SECRET", "PAYPAY_MERCHANT_ID")
    return {"paypay_api_key": env["PAYPAY_API_KEY"],
            "paypay_api_secret": env["PAYPAY_API_SECRET"],
            "paypay_merchant_id": env["PAYPAY_MERCHANT_ID"],
            "paypay_base_url": _host(env, production, "paypay", "PAYPAY_BASE_URL")}


def _linepay_settings(env: Mapping[str, str], production: bool) -> Mapping[str, object]:
    _keys(env, "linepay", "LINEPAY_CHANNEL_ID", "LINEPAY_CHANNEL_SECRET")
    return {"linepay_channel_id": env["LINEPAY_CHANNEL_ID"],
            "linepay_channel_secret": env["LINEPAY_CHANNEL_SECRET"],
            "linepay_base_url": _host(env, production, "linepay", "LINEPAY_BASE_URL")}


fake_payments = AdapterPlugin(
    lambda settings, town: FakePaymentGateway(f"{town.public_url}/payments/fake"),
    _fake_settings, "the development payment page (refused in production)")
paypay = AdapterPlugin(
    lambda s, town: PayPayGateway(api_key=s["paypay_api_key"], api_secret=s["paypay_api_secret"],
                                  merchant_id=s["paypay_merchant_id"],
                                  base_url=s["paypay_base_url"]),
    _paypay_settings, "PayPay (Open Payment API)")
linepay = AdapterPlugin(
    lambda s, town: LinePayGateway(channel_id=s["linepay_channel_id"],
                                   channel_secret=s["linepay_channel_secret"],
                                   base_url=s["linepay_base_url"]),
    _linepay_settings, "LINE Pay (Online API v3)")


# -- Identity (ADR 0010) -----------------------------------------------------------------------

def _dev_card_settings(env: Mapping[str, str], production: bool) -> Mapping[str, object]:
    if production:
        raise PluginSettingsError("the development card is refused in production: set "
                                  "MADOGUCHI_IDENTITY_PROVIDER=oidc and the OIDC_* variables")
    return {}


def _oidc_settings(env: Mapping[str, str], production: bool) -> Mapping[str, object]:
    names = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_KEY_FILE")
    if not all(env.get(name) for name in names):
        raise PluginSettingsError("OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_KEY_FILE are "
                                  "required with MADOGUCHI_IDENTITY_PROVIDER=oidc")
    return {"oidc_issuer": env["OIDC_ISSUER"], "oidc_client_id": env["OIDC_CLIENT_ID"],
            "oidc_client_key_file": env["OIDC_CLIENT_KEY_FILE"]}


def _oidc(s: Mapping[str, Any], town: TownServices) -> OidcIdentityProvider:
    return OidcIdentityProvider(
        "oidc", s["oidc_issuer"], s["oidc_client_id"],
        Path(s["oidc_client_key_file"]).read_text(),
        f"{town.public_url}/identity/callback/oidc", town.verification_attempts, town.clock)


dev_card = AdapterPlugin(
    lambda settings, town: DevCardProvider(
        page_url=f"{town.public_url}/identity/dev-card",
        attempts=town.verification_attempts, clock=town.clock),
    _dev_card_settings, "the development card (refused in production)")
oidc = AdapterPlugin(_oidc, _oidc_settings, "an OpenID Connect provider (マイナンバーカード)")


# -- Payouts (ADRs 0020, 0069) -----------------------------------------------------------------

def _fake_cash_settings(env: Mapping[str, str], production: bool) -> Mapping[str, object]:
    if production:
        raise PluginSettingsError("the development ATM is refused in production: set "
                                  "MADOGUCHI_CASH_PROVIDER=none or a cash provider's plug-in")
    return {}


def _fake_cash(settings: Mapping[str, Any], town: TownServices) -> FakeAtmCashProvider:
    """In memory under test; in development kept in the data directory, so that the command
    line and the web app see the same payouts."""
    if settings["environment"] == "test":
        return FakeAtmCashProvider(town.clock)
    return FakeAtmCashProvider(town.clock, path=Path(settings["data_dir"]) / "atm-cash-fake.json")


fake_cash = AdapterPlugin(_fake_cash, _fake_cash_settings,
                          "the development ATM (refused in production)")
no_cash = AdapterPlugin(lambda settings, town: NoCashProvider(), summary="no cash payouts")
zengin = AdapterPlugin(
    lambda settings, town: TransferFormat(ZenginTransferWriter(town.bank_master),
                                          ZenginResultReader()),
    summary="全銀協 総合振込 files and the bank's results (Zengin format, CSV)")
zengin_code = AdapterPlugin(lambda settings, town: ZenginBankMaster(),
                            summary="the zengin-code package's banks and branches")
japanese_banks = AdapterPlugin(lambda settings, town: JapaneseBankCalendar(),
                               summary="Japanese banks' business days (土日祝, 12/31-1/3)")
