"""A plug-in's webhook reader (ADR 0073): the container builds the chosen SMS plug-in's reader
once, none for a plug-in without one (Twilio has its own routes) or without its secret; every
outcome a reader may report has a delivery status; a request's headers are read whatever their
case."""

from __future__ import annotations

from pathlib import Path

import pytest
from madoguchi_sms_example.webhook import ExampleWebhookReader

from application.ports.sms_webhooks import SmsOutcome, WebhookRequest
from entrypoints import plugins
from entrypoints.config import Settings
from entrypoints.containers import build_container
from entrypoints.web.sms_plugin_webhook import STATUSES

pytestmark = pytest.mark.unit

EXAMPLE = {"MADOGUCHI_SMS_PROVIDER": "example-http",
           "EXAMPLE_SMS_API_URL": "http://127.0.0.1:9/", "EXAMPLE_SMS_TOKEN": "secret-token",
           "EXAMPLE_SMS_SENDER": "+815012345678"}


def test_the_chosen_plugins_reader_is_built_once(tmp_path: Path) -> None:
    container = build_container(Settings.from_env({
        "MADOGUCHI_DATA_DIR": str(tmp_path), **EXAMPLE,
        "EXAMPLE_SMS_WEBHOOK_SECRET": "a-webhook-secret-of-the-town"}))
    town = container.town_services()

    reader = town.webhook_reader(plugins.SMS, "example-http")

    assert isinstance(reader, ExampleWebhookReader)
    assert town.webhook_reader(plugins.SMS, "example-http") is reader
    assert town.webhook_reader(plugins.SMS, "twilio") is None  # its own /sms/* routes


def test_without_its_secret_the_plugin_reads_nothing(tmp_path: Path) -> None:
    container = build_container(Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                                                   **EXAMPLE}))

    assert container.town_services().webhook_reader(plugins.SMS, "example-http") is None


def test_every_outcome_has_a_delivery_status() -> None:
    assert set(STATUSES) == set(SmsOutcome)
    assert len(set(STATUSES.values())) == len(SmsOutcome)


def test_a_requests_headers_are_read_whatever_their_case() -> None:
    request = WebhookRequest("POST", "https://town.example/x", {"X-Example-Signature": "s"})

    assert request.header("x-example-signature") == "s" == request.header("X-EXAMPLE-SIGNATURE")
    assert request.header("Authorization") == "" and request.body == b""
