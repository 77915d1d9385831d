"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.config import ConfigurationError, Settings

pytestmark = pytest.mark.unit


def test_the_embedded_default_needs_no_configuration(tmp_path: Path) -> None:
    settings = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)})

    assert settings.database_url == f"sqlite:///{tmp_path / 'madoguchi.db'}"
    assert settings.task_queue == "in_process"
    assert settings.environment == "development"
    assert len(settings.data_keys) == 1
    assert Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)}) == settings  # keys kept


def test_keys_are_read_newest_first_from_a_comma_separated_list(tmp_path: Path) -> None:
    settings = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                                  "MADOGUCHI_DATA_KEYS": " new , old ,"})
    assert settings.data_keys == ("new", "old")


@pytest.mark.parametrize("env, variable", [
    ({"MADOGUCHI_ENV": "production"}, "DATABASE_URL"),
    ({"MADOGUCHI_ENV": "production", "DATABASE_URL": "postgresql://x/y"}, "MADOGUCHI_DATA_KEYS"),
    ({"MADOGUCHI_ENV": "production", "DATABASE_URL": "postgresql://x/y",
      "MADOGUCHI_DATA_KEYS": "k"}, "MADOGUCHI_SECRET_KEY"),
    ({"MADOGUCHI_ENV": "staging"}, "MADOGUCHI_ENV"),
    ({"MADOGUCHI_TASK_QUEUE": "sqs"}, "MADOGUCHI_TASK_QUEUE"),
])
def test_a_configuration_that_cannot_work_names_the_variable(
    tmp_path: Path, env: dict[str, str], variable: str,
) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **env})


def test_the_originator_of_transfer_files_has_demo_values_only_outside_production() -> None:
    development = Settings.from_env({"MADOGUCHI_DATA_DIR": "/tmp/madoguchi-config-test"})
    assert (development.originator_code, development.originator_bank) == ("1234567890", "0001")
    given = Settings.from_env({"MADOGUCHI_DATA_DIR": "/tmp/madoguchi-config-test",
                               "MADOGUCHI_ORIGINATOR_CODE": "0000000001",
                               "MADOGUCHI_ORIGINATOR_ACCOUNT_TYPE": "2"})
    assert (given.originator_code, given.originator_account_type) == ("0000000001", "2")
    with pytest.raises(ConfigurationError):
        Settings.from_env({"MADOGUCHI_DATA_DIR": "/tmp/madoguchi-config-test",
                           "MADOGUCHI_ORIGINATOR_ACCOUNT_TYPE": "4"})
