"""The plug-in as Madoguchi finds it: registered under madoguchi.sms_providers as example-http,
its settings read from its own variables, a setting that cannot work named (never its value),
and the adapter built from its settings and the town's personal links."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest
from madoguchi_sms_example.client import ExampleHttpSms
from madoguchi_sms_example.plugin import plugin
from madoguchi_sms_example.webhook import ExampleWebhookReader

from application.ports.plugins import SMS_PROVIDERS, AdapterPlugin, PluginSettingsError
from madoguchi_contracts.messaging import ContractLinks

ENV = {"EXAMPLE_SMS_API_URL": "https://sms.example.com/", "EXAMPLE_SMS_TOKEN": "secret-token",
       "EXAMPLE_SMS_SENDER": "+815012345678"}


class Town:
    clock, verification_attempts, sms_ledger = None, None, None
    public_url = "https://town.example"
    links = ContractLinks()


def test_the_package_registers_the_plugin_as_example_http() -> None:
    [entry] = [e for e in entry_points(group=SMS_PROVIDERS) if e.name == "example-http"]

    assert entry.load() is plugin and isinstance(plugin, AdapterPlugin)


def test_its_settings_come_from_its_own_variables_and_build_the_adapter() -> None:
    settings = plugin.settings({**ENV, "EXAMPLE_SMS_TIMEOUT": "3"}, True)

    assert settings == {"example_sms_api_url": "https://sms.example.com",
                        "example_sms_token": "secret-token",
                        "example_sms_sender": "+815012345678",
                        "example_sms_status_callback_url": "", "example_sms_timeout": 3.0,
                        "example_sms_webhook_secret": ""}
    adapter = plugin.build(settings, Town())  # type: ignore[arg-type]
    assert isinstance(adapter, ExampleHttpSms) and adapter.sender == "+815012345678"
    assert plugin.webhook is not None
    assert plugin.webhook(settings, Town()) is None  # type: ignore[arg-type]  # no secret


def test_with_a_webhook_secret_it_reads_the_vendors_posts_sent_to_the_towns_route() -> None:
    settings = plugin.settings({**ENV, "EXAMPLE_SMS_WEBHOOK_SECRET": "s" * 16}, True)

    assert plugin.webhook is not None
    assert isinstance(plugin.webhook(settings, Town()),  # type: ignore[arg-type]
                      ExampleWebhookReader)
    adapter = plugin.build(settings, Town())  # type: ignore[arg-type]
    assert adapter._callback == "https://town.example/sms/example-http/webhook"
    told = plugin.settings({**ENV, "EXAMPLE_SMS_WEBHOOK_SECRET": "s" * 16,
                            "EXAMPLE_SMS_STATUS_CALLBACK_URL": "https://elsewhere.example/cb"},
                           True)
    assert plugin.build(told, Town())._callback == (  # type: ignore[arg-type]
        "https://elsewhere.example/cb")


@pytest.mark.parametrize(("change", "production", "variable"), [
    ({"EXAMPLE_SMS_TOKEN": ""}, False, "EXAMPLE_SMS_TOKEN"),
    ({"EXAMPLE_SMS_API_URL": "sms.example.com"}, False, "EXAMPLE_SMS_API_URL"),
    ({"EXAMPLE_SMS_API_URL": "http://sms.example.com"}, True, "EXAMPLE_SMS_API_URL"),
    ({"EXAMPLE_SMS_SENDER": "050-1234-5678"}, False, "EXAMPLE_SMS_SENDER"),
    ({"EXAMPLE_SMS_TIMEOUT": "ten"}, False, "EXAMPLE_SMS_TIMEOUT"),
    ({"EXAMPLE_SMS_WEBHOOK_SECRET": "short"}, False, "EXAMPLE_SMS_WEBHOOK_SECRET"),
])
def test_a_setting_that_cannot_work_is_named_without_its_value(
        change: dict[str, str], production: bool, variable: str) -> None:
    with pytest.raises(PluginSettingsError, match=variable) as refused:
        plugin.settings({**ENV, **change}, production)
    assert "secret-token" not in str(refused.value)
