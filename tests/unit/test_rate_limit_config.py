"""The rate limits' settings: where they count, their numbers, the proxies believed."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.config import RATE_LIMITS, ConfigurationError, Settings

pytestmark = pytest.mark.unit


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **env})


def test_the_embedded_default_counts_in_memory_with_the_documented_numbers(
        tmp_path: Path) -> None:
    settings = _settings(tmp_path)

    assert settings.rate_limit_storage == "memory://"
    assert settings.rate_limit_sign_in_address == RATE_LIMITS[
        "MADOGUCHI_RATE_LIMIT_SIGN_IN_ADDRESS"] == "20/minute;200/hour"
    assert settings.rate_limit_sign_in_account == "5/minute;20/hour"
    assert settings.trusted_proxies == 0


def test_processes_count_together_in_the_redis_they_already_share(tmp_path: Path) -> None:
    celery = _settings(tmp_path, MADOGUCHI_TASK_QUEUE="celery",
                       CELERY_BROKER_URL="redis://queue:6379/2")
    redis_given = _settings(tmp_path, REDIS_URL="redis://cache:6379/0")
    amqp = _settings(tmp_path, MADOGUCHI_TASK_QUEUE="celery", CELERY_BROKER_URL="amqp://mq//")
    chosen = _settings(tmp_path, MADOGUCHI_TASK_QUEUE="celery",
                       MADOGUCHI_RATE_LIMIT_STORAGE="memory://")

    assert celery.rate_limit_storage == "redis://queue:6379/2"
    assert redis_given.rate_limit_storage == "redis://cache:6379/0"
    assert amqp.rate_limit_storage == "memory://"
    assert chosen.rate_limit_storage == "memory://"


@pytest.mark.parametrize("env, variable", [
    ({"MADOGUCHI_RATE_LIMIT_STORAGE": "memcached://host:11211"}, "MADOGUCHI_RATE_LIMIT_STORAGE"),
    ({"MADOGUCHI_RATE_LIMIT_SIGN_IN_ACCOUNT": "five a minute"},
     "MADOGUCHI_RATE_LIMIT_SIGN_IN_ACCOUNT"),
    ({"MADOGUCHI_RATE_LIMIT_VERIFICATION_ADDRESS": "30/fortnight"},
     "MADOGUCHI_RATE_LIMIT_VERIFICATION_ADDRESS"),
    ({"MADOGUCHI_TRUSTED_PROXIES": "nginx"}, "MADOGUCHI_TRUSTED_PROXIES"),
])
def test_a_rate_limit_setting_that_cannot_work_names_the_variable(
        tmp_path: Path, env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        _settings(tmp_path, **env)


def test_limits_and_proxies_are_read_as_given(tmp_path: Path) -> None:
    settings = _settings(tmp_path, MADOGUCHI_RATE_LIMIT_API_KEY_FAILURES="3/minute",
                         MADOGUCHI_TRUSTED_PROXIES="1")

    assert settings.rate_limit_api_key_failures == "3/minute"
    assert settings.trusted_proxies == 1
