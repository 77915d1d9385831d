"""Adapters as plug-ins (ADR 0069): what a package gives Madoguchi so that a town can choose its
adapter by name, without editing Madoguchi.

A package registers one `AdapterPlugin` per adapter under the entry point group of its port:

    [project.entry-points."madoguchi.sms_providers"]
    example-http = "madoguchi_sms_example.plugin:plugin"

The entry point's name is what the town sets (MADOGUCHI_SMS_PROVIDER=example-http). At start-up
Madoguchi calls the plug-in's `settings(env, production)`, which reads the plug-in's OWN
environment variables and returns them by name (keys in snake_case, prefixed with the plug-in's
name so they meet no other setting: `example_sms_api_url`), or raises `PluginSettingsError`
naming the variable to set. When the adapter is first needed, `build(settings, town)` makes it
from the town's settings (the keys `settings` returned among them, and Madoguchi's own:
`environment` is "development", "test" or "production", `data_dir` the town's data directory)
and the town's services.

This module imports the standard library, attrs and the application's ports only: a plug-in's
package depends on nothing of the web application (docs/integrators.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

from attrs import frozen

from application.ports.bank_master import BankMaster
from application.ports.clock import Clock
from application.ports.identity import VerificationAttempts
from application.ports.messaging import LinkMaker
from application.ports.payouts import TransferFileWriter, TransferResultReader
from application.ports.sms_webhooks import SmsWebhookReader

__all__ = [
    "BANK_CALENDARS",
    "BANK_MASTERS",
    "IDENTITY_PROVIDERS",
    "PAYMENT_GATEWAYS",
    "PAYOUT_PROVIDERS",
    "SMS_PROVIDERS",
    "TRANSFER_FORMATS",
    "AdapterPlugin",
    "PluginSettingsError",
    "TownServices",
    "TransferFormat",
    "identity_callback_path",
    "no_settings",
]

# The entry point groups, one per port a town chooses an adapter for.
SMS_PROVIDERS = "madoguchi.sms_providers"  # a MessagingChannel named "sms"
PAYMENT_GATEWAYS = "madoguchi.payment_gateways"  # a PaymentGateway
IDENTITY_PROVIDERS = "madoguchi.identity_providers"  # an IdentityProvider
PAYOUT_PROVIDERS = "madoguchi.payout_providers"  # a PayoutProvider (cash payouts)
TRANSFER_FORMATS = "madoguchi.transfer_formats"  # a TransferFormat (the bank's files)
BANK_MASTERS = "madoguchi.bank_masters"  # a BankMaster (banks and branches)
BANK_CALENDARS = "madoguchi.bank_calendars"  # a BankCalendar (the banks' business days)

Adapter = TypeVar("Adapter", covariant=True)


class PluginSettingsError(ValueError):
    """A plug-in's settings cannot work. The message names the environment variable to set and
    never carries a secret's value; start-up shows it and refuses to start."""


class TownServices(Protocol):
    """What the town lends an adapter it builds. Each is made when first asked for."""

    @property
    def clock(self) -> Clock:
        """The time (never `datetime.now()` in an adapter: the tests move the town's clock)."""
        ...

    @property
    def public_url(self) -> str:
        """Where residents reach the town's web channel, no trailing slash
        (https://madoguchi.city.example.jp): for status callbacks and return pages."""
        ...

    @property
    def links(self) -> LinkMaker:
        """Personal links to the resident's web page: a channel without buttons (SMS) sends a
        message's choices as one such link."""
        ...

    @property
    def verification_attempts(self) -> VerificationAttempts:
        """The pending identity verifications (an IdentityProvider's `state` store)."""
        ...

    @property
    def bank_master(self) -> BankMaster:
        """The town's bank master, as its plug-in builds it (a transfer file writer checks the
        payees' banks and branches, and spells their names, from it)."""
        ...

    @property
    def sms_ledger(self) -> Any:
        """The built-in SMS adapter's record of tries that went unanswered (adapters/sms/ledger.py).
        A plug-in keeps its own record or relies on its provider's idempotency key."""
        ...


@frozen
class TransferFormat:
    """What a `madoguchi.transfer_formats` plug-in builds: the transfer file a batch is paid
    with and the reader of the bank's results for it, which go together (the reader finds the
    writer's records by position and reference: madoguchi_contracts/transfers.py)."""

    writer: TransferFileWriter
    reader: TransferResultReader


def identity_callback_path(provider: str) -> str:
    """Where an identity plug-in's provider sends the resident back, under the town's public
    URL (`town.public_url + identity_callback_path("my-idp")`: its redirect URI). Served, GET
    and POST, while the plug-in is the chosen identity provider; its adapter's `complete` gets
    the query's and the form's parameters (ADR 0073)."""
    return f"/identity/callback/{provider}"


def no_settings(env: Mapping[str, str], production: bool) -> Mapping[str, object]:
    """The settings hook of a plug-in that has none."""
    return {}


@frozen
class AdapterPlugin(Generic[Adapter]):
    """One adapter for one port, as an entry point names it.

    `build(settings, town)`: the adapter, from the town's settings by name (what `settings`
    returned is among them, under its own keys) and the town's services; called once per
    process, when the adapter is first needed.
    `settings(env, production)`: the plug-in's own settings read from `env` (the process's
    environment), checked (raise `PluginSettingsError` naming the variable), keyed in snake_case
    with the plug-in's prefix. Only the chosen plug-in's hook is called.
    `summary`: one line saying what the adapter is, for whoever reads the package.
    `webhook(settings, town)`: an SMS provider's reader of what its vendor posts to the town
    (statuses, replies: application/ports/sms_webhooks.py, ADR 0073), made like the adapter
    when the first post comes; None (the default), or a reader of None (the town has not set
    the vendor's webhooks up): `POST /sms/<name>/webhook` answers 404."""

    build: Callable[[Mapping[str, Any], TownServices], Adapter]
    settings: Callable[[Mapping[str, str], bool], Mapping[str, object]] = no_settings
    summary: str = ""
    webhook: Callable[[Mapping[str, Any], TownServices], SmsWebhookReader | None] | None = None
