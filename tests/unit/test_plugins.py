"""Adapters as plug-ins (ADR 0069): each port's adapter is the installed plug-in the settings
name, its settings read by its own hook; start-up says which adapter each port uses and
refuses a name no installed package registers, listing those that are (so removing a vendor's
package makes start-up refuse its name rather than run without it)."""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from dependency_injector import providers
from madoguchi_sms_example.client import ExampleHttpSms

from adapters.banks.bank_calendar import JapaneseBankCalendar
from adapters.banks.zengin_master import ZenginBankMaster
from adapters.banks.zengin_reading import ZenginResultReader
from adapters.banks.zengin_transfer import ZenginTransferWriter
from adapters.crypto import new_key
from adapters.identity.dev_card import DevCardProvider
from adapters.payments.fake import FakePaymentGateway
from adapters.payouts.atm_cash import FakeAtmCashProvider, NoCashProvider
from adapters.sms.messenger import TwilioSms
from application.ports.plugins import AdapterPlugin
from domain.values import Money
from entrypoints import plugins
from entrypoints.config import ConfigurationError, Settings
from entrypoints.containers import build_container
from tests.support import zengin
from tests.unit.test_payment_config import PRODUCTION

pytestmark = pytest.mark.unit

EXAMPLE = {"MADOGUCHI_SMS_PROVIDER": "example-http",
           "EXAMPLE_SMS_API_URL": "http://127.0.0.1:9/", "EXAMPLE_SMS_TOKEN": "secret-token",
           "EXAMPLE_SMS_SENDER": "+815012345678"}


def test_the_built_in_adapters_are_plugins_of_their_ports() -> None:
    names = {port.group: sorted(plugins.installed(port)) for port in plugins.PORTS}

    assert {"none", "twilio"} <= set(names["madoguchi.sms_providers"])
    assert names["madoguchi.payment_gateways"] == ["fake", "linepay", "paypay"]
    assert names["madoguchi.identity_providers"] == ["dev_card", "oidc"]
    assert names["madoguchi.payout_providers"] == ["fake", "none"]
    assert names["madoguchi.transfer_formats"] == ["zengin"]
    assert names["madoguchi.bank_masters"] == ["zengin-code"]
    assert names["madoguchi.bank_calendars"] == ["japanese-banks"]


def test_the_defaults_still_choose_the_development_adapters(tmp_path: Path) -> None:
    container = build_container(Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)}))

    assert container.sms_channel() is None
    assert isinstance(container.payment_gateway(), FakePaymentGateway)
    assert isinstance(container.identity_provider(), DevCardProvider)
    assert isinstance(container.transfer_writer(), ZenginTransferWriter)
    assert isinstance(container.transfer_results(), ZenginResultReader)
    assert isinstance(container.bank_master(), ZenginBankMaster)
    assert isinstance(container.bank_calendar(), JapaneseBankCalendar)


@pytest.mark.parametrize(("environment", "kept"), [("development", True), ("test", False)])
def test_outside_production_cash_is_the_fake_atm_kept_in_the_data_directory_but_under_test(
        tmp_path: Path, environment: str, kept: bool) -> None:
    container = build_container(Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                                                   "MADOGUCHI_ENV": environment}))

    cash = container.cash_provider()
    cash.issue(reference="d1", amount=Money(5000))

    assert isinstance(cash, FakeAtmCashProvider) and container.cash_provider() is cash
    assert (tmp_path / "atm-cash-fake.json").exists() is kept


def test_production_pays_no_cash_by_default_and_refuses_the_fake_atm(tmp_path: Path) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path), **PRODUCTION, "MADOGUCHI_DATA_KEYS": new_key(),
           "MADOGUCHI_PAYMENT_PROVIDER": "paypay", "PAYPAY_API_KEY": "k",
           "PAYPAY_API_SECRET": "s", "PAYPAY_MERCHANT_ID": "m"}
    container = build_container(Settings.from_env(env))

    assert isinstance(container.cash_provider(), NoCashProvider)
    assert isinstance(container.transfer_writer(), ZenginTransferWriter)
    assert isinstance(container.bank_calendar(), JapaneseBankCalendar)
    with pytest.raises(ConfigurationError, match="the development ATM is refused in production"):
        Settings.from_env({**env, "MADOGUCHI_CASH_PROVIDER": "fake"})


def test_the_transfer_format_writes_with_the_towns_bank_master(tmp_path: Path) -> None:
    container = build_container(Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)}))
    container.bank_master.override(providers.Object(zengin.master()))  # 4 banks only

    lines = [zengin.line("d1"), zengin.line("d2", bank="0036")]  # 0036: not in that master
    problems = list(container.transfer_writer().problems(originator=zengin.ORIGINATOR,
                                                         lines=lines))

    assert [problem.reference for problem in problems] == ["d2"]
    assert container.transfer_writer() is container.transfer_writer()


def test_the_adapter_follows_the_setting_and_each_is_built_once(tmp_path: Path) -> None:
    container = build_container(Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)}))
    assert container.sms_channel() is None

    container.config.sms_provider.from_value("twilio")  # as the tests switch it

    twilio = container.sms_channel()
    assert isinstance(twilio, TwilioSms) and container.sms_channel() is twilio


def test_a_vendors_plugin_is_chosen_by_name_with_its_own_settings_and_named_in_the_log(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **EXAMPLE})
    container = build_container(settings)
    with caplog.at_level(logging.INFO, logger="entrypoints.plugins"):
        plugins.log_adapters(container.config())  # what each process logs once it logs

    channel = container.sms_channel()
    assert isinstance(channel, ExampleHttpSms) and channel.sender == "+815012345678"
    assert container.config.example_sms_api_url() == "http://127.0.0.1:9"
    said = [record.getMessage() for record in caplog.records]
    assert ("SMS provider: example-http (madoguchi_sms_example.plugin:plugin, from "
            "madoguchi-sms-example)") in said
    assert any(line.startswith("payment provider: fake (") for line in said)
    assert not any("secret-token" in line for line in said)


def test_a_plugins_settings_that_cannot_work_stop_start_up_naming_its_variable(
        tmp_path: Path) -> None:
    env = {**EXAMPLE, "EXAMPLE_SMS_TOKEN": ""}
    with pytest.raises(ConfigurationError, match="EXAMPLE_SMS_TOKEN required with "
                                                 "MADOGUCHI_SMS_PROVIDER=example-http"):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **env})


def test_once_its_package_is_removed_start_up_refuses_its_name_listing_the_installed_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = plugins.installed

    def without_the_example(port: plugins.Port) -> dict[str, EntryPoint]:
        return {name: entry for name, entry in installed(port).items()
                if entry.dist is None or entry.dist.name != "madoguchi-sms-example"}
    monkeypatch.setattr(plugins, "installed", without_the_example)

    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **EXAMPLE})
    assert str(refused.value) == ("MADOGUCHI_SMS_PROVIDER=example-http: no such SMS provider "
                                  "is installed (installed: none, twilio)")


@pytest.mark.parametrize(("variable", "label"), [
    ("MADOGUCHI_PAYMENT_PROVIDER", "payment provider"),
    ("MADOGUCHI_IDENTITY_PROVIDER", "identity provider"),
    ("MADOGUCHI_CASH_PROVIDER", "cash payout provider"),
    ("MADOGUCHI_TRANSFER_FORMAT", "transfer format"),
    ("MADOGUCHI_BANK_MASTER", "bank master"),
    ("MADOGUCHI_BANK_CALENDAR", "bank calendar"),
])
def test_every_port_refuses_a_name_not_installed(tmp_path: Path, variable: str,
                                                 label: str) -> None:
    with pytest.raises(ConfigurationError, match=f"{variable}=nope: no such {label} is "
                                                 r"installed \(installed: "):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), variable: "nope"})


def test_an_entry_point_that_is_not_a_plugin_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stray = EntryPoint("stray", "entrypoints.plugins:PORTS", "madoguchi.sms_providers")
    installed = plugins.installed
    monkeypatch.setattr(plugins, "installed", lambda port: {**installed(port), "stray": stray})

    with pytest.raises(ConfigurationError, match="is not an AdapterPlugin"):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                           "MADOGUCHI_SMS_PROVIDER": "stray"})


COLLIDING = AdapterPlugin(build=lambda settings, town: None,
                          settings=lambda env, production: {"public_url": "https://elsewhere"})


def test_a_vendors_plugin_may_not_set_one_of_madoguchis_own_settings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    colliding = EntryPoint("colliding", "tests.unit.test_plugins:COLLIDING",
                           "madoguchi.sms_providers")
    installed = plugins.installed
    monkeypatch.setattr(plugins, "installed",
                        lambda port: {**installed(port), "colliding": colliding})

    with pytest.raises(ConfigurationError, match="the plug-in's setting 'public_url' is one of "
                                                 "Madoguchi's own"):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                           "MADOGUCHI_SMS_PROVIDER": "colliding"})


def test_a_plugin_that_cannot_be_loaded_is_refused_with_the_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = EntryPoint("gone", "madoguchi_removed_vendor.plugin:plugin",
                      "madoguchi.sms_providers")
    installed = plugins.installed
    monkeypatch.setattr(plugins, "installed", lambda port: {**installed(port), "gone": gone})

    with pytest.raises(ConfigurationError, match=r"MADOGUCHI_SMS_PROVIDER=gone: the SMS "
                                                 r"provider .* could not be loaded "
                                                 r"\(ModuleNotFoundError"):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                           "MADOGUCHI_SMS_PROVIDER": "gone"})


def test_an_install_older_than_the_entry_points_is_told_to_reinstall(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugins, "installed", lambda port: {})

    with pytest.raises(ConfigurationError, match=r"reinstall Madoguchi \(make install"):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)})
