"""The plug-in Madoguchi finds through the entry point (pyproject.toml):

    [project.entry-points."madoguchi.sms_providers"]
    example-http = "madoguchi_sms_example.plugin:plugin"

A town chooses it with MADOGUCHI_SMS_PROVIDER=example-http and sets its own variables:

    EXAMPLE_SMS_API_URL              the vendor's API (https:// in production)
    EXAMPLE_SMS_TOKEN                the bearer token the vendor issued
    EXAMPLE_SMS_SENDER               the town's sender number, E.164 (+815012345678)
    EXAMPLE_SMS_STATUS_CALLBACK_URL  optional: where the vendor posts delivery statuses
                                     (default with a webhook secret: the town's own route,
                                     <MADOGUCHI_PUBLIC_URL>/sms/example-http/webhook)
    EXAMPLE_SMS_WEBHOOK_SECRET       optional: the secret the vendor signs its webhooks with
                                     (statuses, replies; at least 16 characters); without it
                                     the town reads none of them
    EXAMPLE_SMS_TIMEOUT              optional: seconds per request (10)

`settings` reads and checks them at start-up (only when this plug-in is the one chosen);
`build` makes the adapter when Madoguchi first sends an SMS, `webhook` the reader of what the
vendor posts (webhook.py) when the first post comes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from application.ports.plugins import AdapterPlugin, PluginSettingsError, TownServices
from application.ports.sms_webhooks import webhook_path
from madoguchi_sms_example.client import ExampleHttpSms
from madoguchi_sms_example.webhook import ExampleWebhookReader

__all__ = ["NAME", "build", "plugin", "settings", "webhook"]

NAME = "example-http"  # the entry point's name (pyproject.toml)


def settings(env: Mapping[str, str], production: bool) -> Mapping[str, object]:
    """The plug-in's settings by key (prefixed `example_sms_`), or PluginSettingsError naming
    the variable to set (never its value: a token is a secret)."""
    def value(name: str) -> str:
        return env.get(name, "").strip()

    missing = [name for name in ("EXAMPLE_SMS_API_URL", "EXAMPLE_SMS_TOKEN",
                                 "EXAMPLE_SMS_SENDER") if not value(name)]
    if missing:
        raise PluginSettingsError(f"{', '.join(missing)} required with "
                                  "MADOGUCHI_SMS_PROVIDER=example-http")
    url = value("EXAMPLE_SMS_API_URL").rstrip("/")
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
        raise PluginSettingsError("EXAMPLE_SMS_API_URL is the vendor's API URL "
                                  "(https://sms.example.com)")
    if production and not url.startswith("https://"):
        raise PluginSettingsError("EXAMPLE_SMS_API_URL must be an https:// URL in production")
    sender = value("EXAMPLE_SMS_SENDER")
    if not re.fullmatch(r"\+[1-9]\d{7,14}", sender):
        raise PluginSettingsError("EXAMPLE_SMS_SENDER is the town's sender number in E.164 "
                                  "(+815012345678)")
    try:
        timeout = float(value("EXAMPLE_SMS_TIMEOUT") or "10")
    except ValueError:
        timeout = 0.0
    if not 0 < timeout <= 60:
        raise PluginSettingsError("EXAMPLE_SMS_TIMEOUT is seconds per request, above 0 and "
                                  "at most 60 (10)")
    secret = value("EXAMPLE_SMS_WEBHOOK_SECRET")
    if secret and len(secret) < 16:
        raise PluginSettingsError("EXAMPLE_SMS_WEBHOOK_SECRET is the vendor's webhook secret, "
                                  "at least 16 characters")
    return {"example_sms_api_url": url, "example_sms_token": value("EXAMPLE_SMS_TOKEN"),
            "example_sms_sender": sender,
            "example_sms_status_callback_url": value("EXAMPLE_SMS_STATUS_CALLBACK_URL"),
            "example_sms_timeout": timeout, "example_sms_webhook_secret": secret}


def build(settings: Mapping[str, Any], town: TownServices) -> ExampleHttpSms:
    """The adapter, from this plug-in's settings and the town's personal links."""
    return ExampleHttpSms(api_url=settings["example_sms_api_url"],
                          token=settings["example_sms_token"],
                          sender=settings["example_sms_sender"], links=town.links,
                          status_callback_url=_callback_url(settings, town),
                          timeout=settings["example_sms_timeout"])


def _callback_url(settings: Mapping[str, Any], town: TownServices) -> str:
    """Where the vendor posts statuses: the variable's URL, else the town's own route when the
    town reads the vendor's webhooks, else nowhere."""
    if settings["example_sms_status_callback_url"]:
        return str(settings["example_sms_status_callback_url"])
    if settings.get("example_sms_webhook_secret"):
        return f"{town.public_url}{webhook_path(NAME)}"
    return ""


def webhook(settings: Mapping[str, Any], town: TownServices) -> ExampleWebhookReader | None:
    """The reader of the vendor's signed posts; None without a webhook secret."""
    secret = settings.get("example_sms_webhook_secret") or ""
    return ExampleWebhookReader(secret) if secret else None


plugin = AdapterPlugin(build, settings, "the example vendor's SMS API over HTTP", webhook)
