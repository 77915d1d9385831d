"""MADOGUCHI_LINE_MARK_AS_READ (ADR 0051) and MADOGUCHI_INBOUND_LEASE_SECONDS (ADR 0062)."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.config import ConfigurationError, Settings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("value, expected", [(None, False), ("off", False), ("on", True),
                                             ("ON", True), ("true", True)])
def test_mark_as_read_is_off_unless_turned_on(tmp_path: Path, value: str | None,
                                              expected: bool) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path)}
    if value is not None:
        env["MADOGUCHI_LINE_MARK_AS_READ"] = value

    assert Settings.from_env(env).line_mark_as_read is expected


def test_mark_as_read_refuses_what_is_neither_on_nor_off(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="MADOGUCHI_LINE_MARK_AS_READ"):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                           "MADOGUCHI_LINE_MARK_AS_READ": "sometimes"})


@pytest.mark.parametrize("value, expected", [(None, 60), ("15", 15), (" 300 ", 300),
                                             ("3600", 3600)])
def test_the_inbound_lease_is_a_minute_unless_set(tmp_path: Path, value: str | None,
                                                  expected: int) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path)}
    if value is not None:
        env["MADOGUCHI_INBOUND_LEASE_SECONDS"] = value

    assert Settings.from_env(env).inbound_lease_seconds == expected


@pytest.mark.parametrize("value", ["14", "3601", "-5", "1.5", "²", "a minute", ""])
def test_the_inbound_lease_refuses_what_is_not_15_to_3600_seconds(tmp_path: Path,
                                                                  value: str) -> None:
    with pytest.raises(ConfigurationError, match="MADOGUCHI_INBOUND_LEASE_SECONDS"):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                           "MADOGUCHI_INBOUND_LEASE_SECONDS": value})
