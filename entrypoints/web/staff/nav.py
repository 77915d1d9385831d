"""The staff navigation. A blueprint adds its entries with `register_nav(bp, NavEntry(...))`;
the base template shows the entries the signed-in staff member's role allows, by `order`."""

from __future__ import annotations

from attrs import frozen
from flask import Blueprint, Flask

from domain.access import Permission

__all__ = ["NavEntry", "nav_entries", "register_nav"]

_KEY = "staff_nav"


@frozen
class NavEntry:
    label: str  # Japanese; translated with the catalog when there is an entry for it
    endpoint: str  # e.g. "staff_benefits.index"
    permission: Permission
    order: int = 100  # dashboard 10, residents 20, verifications 30, ... administration 900


def register_nav(blueprint: Blueprint | Flask, *entries: NavEntry) -> None:
    """Add `entries` to the navigation of every app `blueprint` is registered on (or to this
    app, given an app)."""
    if isinstance(blueprint, Flask):
        blueprint.extensions.setdefault(_KEY, []).extend(entries)
        return

    def record(state) -> None:  # type: ignore[no-untyped-def]
        state.app.extensions.setdefault(_KEY, []).extend(entries)

    blueprint.record_once(record)


def nav_entries(app: Flask) -> list[NavEntry]:
    return sorted(app.extensions.get(_KEY, []), key=lambda entry: (entry.order, entry.label))
