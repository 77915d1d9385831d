"""Each port's adapter, chosen by name among the installed plug-ins (ADR 0069).

A plug-in is an entry point in its port's group (application/ports/plugins.py) naming an
`AdapterPlugin`; Madoguchi's own adapters register the same way (entrypoints/builtin_plugins.py,
pyproject.toml). Start-up (`Settings.from_env`) reads the chosen plug-in's settings through its
hook and refuses a name no installed package registers, listing those that are; the container
builds the adapter from the settings and the town's services when it is first needed, and
`build_container` says in the log which adapter each port uses."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Collection, Mapping
from importlib.metadata import EntryPoint, EntryPoints, entry_points
from typing import Any

from attrs import frozen
from dependency_injector import providers

from application.ports.bank_master import BankMaster
from application.ports.clock import Clock
from application.ports.identity import VerificationAttempts
from application.ports.messaging import LinkMaker
from application.ports.plugins import (
    BANK_CALENDARS,
    BANK_MASTERS,
    IDENTITY_PROVIDERS,
    PAYMENT_GATEWAYS,
    PAYOUT_PROVIDERS,
    SMS_PROVIDERS,
    TRANSFER_FORMATS,
    AdapterPlugin,
    PluginSettingsError,
)

__all__ = ["BANK_CALENDAR", "BANK_MASTER", "CASH", "IDENTITY", "PAYMENT", "PORTS", "SMS",
           "TRANSFER", "ContainerServices", "Port", "UnknownAdapter", "adapter",
           "adapters_in_use", "chosen_adapters", "installed", "log_adapters", "plugin"]

log = logging.getLogger(__name__)


class UnknownAdapter(PluginSettingsError):
    """A name no installed package registers for the port."""


@frozen
class Port:
    group: str  # the entry point group
    variable: str  # the setting that names the adapter
    field: str  # its key among the settings
    label: str  # what the log and the refusals call it
    default: Callable[[bool], str]  # the name when the variable is not set (production?)
    unset: str = ""  # the refusal when there is no default


SMS = Port(SMS_PROVIDERS, "MADOGUCHI_SMS_PROVIDER", "sms_provider", "SMS provider",
           lambda production: "none")
PAYMENT = Port(PAYMENT_GATEWAYS, "MADOGUCHI_PAYMENT_PROVIDER", "payment_provider",
               "payment provider", lambda production: "" if production else "fake",
               "MADOGUCHI_PAYMENT_PROVIDER (paypay or linepay, with its keys) is required in "
               "production")
IDENTITY = Port(IDENTITY_PROVIDERS, "MADOGUCHI_IDENTITY_PROVIDER", "identity_provider",
                "identity provider", lambda production: "oidc" if production else "dev_card")
# Payouts: cash by ATM (the development fake outside production, none in production), the
# transfer file with the bank's results, the bank master and the banks' calendar.
CASH = Port(PAYOUT_PROVIDERS, "MADOGUCHI_CASH_PROVIDER", "cash_provider", "cash payout provider",
            lambda production: "none" if production else "fake")
TRANSFER = Port(TRANSFER_FORMATS, "MADOGUCHI_TRANSFER_FORMAT", "transfer_format",
                "transfer format", lambda production: "zengin")
BANK_MASTER = Port(BANK_MASTERS, "MADOGUCHI_BANK_MASTER", "bank_master", "bank master",
                   lambda production: "zengin-code")
BANK_CALENDAR = Port(BANK_CALENDARS, "MADOGUCHI_BANK_CALENDAR", "bank_calendar", "bank calendar",
                     lambda production: "japanese-banks")
PORTS = (IDENTITY, PAYMENT, SMS, CASH, TRANSFER, BANK_MASTER, BANK_CALENDAR)


def installed(port: Port) -> dict[str, EntryPoint]:
    """The port's plug-ins by name, as the installed distributions register them."""
    return {entry.name: entry for entry in _registered().select(group=port.group)}


@functools.cache
def _registered() -> EntryPoints:
    """Every installed distribution's entry points, read once per process (a scan of the
    environment takes milliseconds, and every container is built after one)."""
    return entry_points()


def plugin(port: Port, name: str) -> AdapterPlugin[Any]:
    """The plug-in registered as `name`, or UnknownAdapter listing the installed ones."""
    found = installed(port)
    if not found:  # not even Madoguchi's own: installed before its entry points existed
        raise UnknownAdapter(f"no {port.label} is registered ({port.group}): reinstall "
                             "Madoguchi (make install, or pip install -e .)")
    if name not in found:
        raise UnknownAdapter(f"{port.variable}={name}: no such {port.label} is installed "
                             f"(installed: {', '.join(sorted(found))})")
    try:
        loaded = found[name].load()
    except Exception as error:  # a package removed or broken after it registered
        raise UnknownAdapter(f"{port.variable}={name}: the {port.label} {found[name].value} "
                             f"could not be loaded ({type(error).__name__}: {error})") from None
    if not isinstance(loaded, AdapterPlugin):
        raise UnknownAdapter(f"{port.variable}={name}: the entry point {found[name].value} in "
                             f"{port.group} is not an AdapterPlugin")
    return loaded


def chosen_adapters(env: Mapping[str, str], production: bool,
                    fields: Collection[str]) -> dict[str, object]:
    """Each port's adapter name and its plug-in's settings: those whose key is one of the
    `Settings` `fields` by name, the others (a vendor's plug-in's) as `plugin_settings`."""
    chosen: dict[str, object] = {}
    others: dict[str, object] = {}
    for port in PORTS:
        name = env.get(port.variable, "").strip() or port.default(production)
        if not name:
            raise PluginSettingsError(port.unset)
        chosen[port.field] = name
        hook = plugin(port, name).settings
        own = _builtin(port, name)
        for key, value in hook(env, production).items():
            if key in fields and not own:
                raise PluginSettingsError(
                    f"{port.variable}={name}: the plug-in's setting {key!r} is one of "
                    "Madoguchi's own; a plug-in names its settings with its own prefix")
            (chosen if key in fields else others)[key] = value
    return {**chosen, "plugin_settings": tuple(sorted(others.items()))}


def _builtin(port: Port, name: str) -> bool:
    """Whether Madoguchi's own distribution registered the plug-in (its settings are
    Madoguchi's by name: `twilio_auth_token`)."""
    entry = installed(port)[name]
    return (entry.group, entry.name, entry.value) in _madoguchis_own()


@functools.cache
def _madoguchis_own() -> frozenset[tuple[str, str, str]]:
    """The plug-ins Madoguchi's own distribution registers, read once per process: a
    distribution's name comes from parsing its metadata file, a few milliseconds a port that
    every container's settings would otherwise pay again."""
    return frozenset((entry.group, entry.name, entry.value)
                     for port in PORTS for entry in _registered().select(group=port.group)
                     if entry.dist is not None and entry.dist.name == "madoguchi")


def adapter(port: Port, config: Any, town: Any) -> providers.Factory:  # type: ignore[type-arg]
    """The container's provider of the port's adapter: the plug-in the settings name at each
    call (a test may switch it), each built once per container from every setting by name and
    the town's services, as a `providers.Selector` of singletons was."""
    return providers.Factory(_adapter, port, getattr(config, port.field), town)


def _adapter(port: Port, name: str, town: ContainerServices) -> Any:
    return town.adapter(port, name)


def adapters_in_use(settings: Mapping[str, Any]) -> list[str]:
    """What start-up says: which adapter each port uses, and which distribution brought it."""
    lines = []
    for port in PORTS:
        name = settings.get(port.field) or ""
        entry = installed(port).get(name)
        where = entry.dist.name if entry is not None and entry.dist is not None else "?"
        lines.append(f"{port.label}: {name or 'not set'} "
                     f"({entry.value if entry is not None else 'not installed'}, from {where})")
    return lines


def log_adapters(settings: Mapping[str, Any]) -> None:
    for line in adapters_in_use(settings):
        log.info("%s", line)


class ContainerServices:
    """The town's services a plug-in may ask for (`TownServices`), each taken from the
    container when first asked for; and the adapters built for it, by port and name."""

    def __init__(self, container: Any) -> None:  # the Container
        self._container = container
        self._built: dict[tuple[str, str], Any] = {}
        self._lock = threading.RLock()

    def adapter(self, port: Port, name: str) -> Any:
        with self._lock:
            key = (port.group, name)
            if key not in self._built:
                self._built[key] = plugin(port, name).build(self._container.config(), self)
            return self._built[key]

    def webhook_reader(self, port: Port, name: str) -> Any:
        """The plug-in's reader of what its vendor posts (ADR 0073), built once, or None when
        the plug-in has none."""
        with self._lock:
            key = (f"{port.group}:webhook", name)
            if key not in self._built:
                make = plugin(port, name).webhook
                self._built[key] = None if make is None else make(self._container.config(), self)
            return self._built[key]

    @property
    def clock(self) -> Clock:
        return self._container.clock()  # type: ignore[no-any-return]

    @property
    def public_url(self) -> str:
        return str(self._container.config.public_url())

    @property
    def links(self) -> LinkMaker:
        return self._container.personal_links()  # type: ignore[no-any-return]

    @property
    def verification_attempts(self) -> VerificationAttempts:
        return self._container.verification_attempts()  # type: ignore[no-any-return]

    @property
    def bank_master(self) -> BankMaster:
        return self._container.bank_master()  # type: ignore[no-any-return]

    @property
    def sms_ledger(self) -> Any:
        return self._container.sms_ledger()
