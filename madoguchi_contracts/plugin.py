"""The pytest plugin (entry point `pytest11`: madoguchi_contracts), loaded wherever the
distribution is installed: it registers the `contract` marker the suites carry."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "contract: a promise of one of Madoguchi's ports (madoguchi_contracts)")
