"""The pytest plugin (entry point `pytest11`: madoguchi_contracts), loaded wherever the
distribution is installed: it registers the `contract` marker the suites carry, and has pytest
rewrite the suites' asserts (so a broken promise shows the values compared, in a vendor's run
as in ours)."""

from __future__ import annotations

import pkgutil

import pytest

import madoguchi_contracts

pytest.register_assert_rewrite(*(
    f"madoguchi_contracts.{module.name}"
    for module in pkgutil.iter_modules(madoguchi_contracts.__path__)
    if module.name != "plugin"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "contract: a promise of one of Madoguchi's ports (madoguchi_contracts)")
