"""The rate limits' settings (ADR 0032), read from the environment by entrypoints/config.py."""

from __future__ import annotations

from collections.abc import Mapping

from limits import parse_many

__all__ = ["RATE_LIMITS", "rate_limit_settings"]

# The rate limits' defaults by variable (a setting each, `rate_limit_…`).
RATE_LIMITS = {"MADOGUCHI_RATE_LIMIT_SIGN_IN_ADDRESS": "20/minute;200/hour",
               "MADOGUCHI_RATE_LIMIT_SIGN_IN_ACCOUNT": "5/minute;20/hour",
               "MADOGUCHI_RATE_LIMIT_VERIFICATION_ADDRESS": "30/minute;300/hour",
               "MADOGUCHI_RATE_LIMIT_API_KEY_FAILURES": "10/minute;100/hour"}
_LIMIT_STORAGES = ("memory://", "redis://", "rediss://", "redis+unix://", "redis+sentinel://")


def rate_limit_settings(env: Mapping[str, str], task_queue: str, broker_url: str,
                        error: type[Exception]) -> dict[str, object]:
    """MADOGUCHI_RATE_LIMIT_STORAGE: REDIS_URL when set, else the Celery broker when the queue
    is celery and the broker is Redis (every process then counts together), else memory://
    (counted in each process). The limits are Flask-Limiter strings, checked here."""
    shared = env.get("REDIS_URL") or (broker_url if task_queue == "celery" else "")
    storage = env.get("MADOGUCHI_RATE_LIMIT_STORAGE") or (
        shared if shared.startswith(_LIMIT_STORAGES[1:]) else "memory://")
    if not storage.startswith(_LIMIT_STORAGES):
        raise error("MADOGUCHI_RATE_LIMIT_STORAGE must be memory:// or a Redis URL "
                                 "(redis://host:6379/0)")
    values: dict[str, object] = {"rate_limit_storage": storage}
    for name, default in RATE_LIMITS.items():
        value = env.get(name, "").strip() or default
        try:
            parse_many(value)
        except ValueError:
            raise error(f"{name} is a list of limits like 5/minute;20/hour, "
                                     f"not {value!r}") from None
        values[name.removeprefix("MADOGUCHI_").lower()] = value
    proxies = env.get("MADOGUCHI_TRUSTED_PROXIES", "0").strip()
    if not proxies.isdigit():
        raise error("MADOGUCHI_TRUSTED_PROXIES is the number of reverse proxies in "
                                 "front of the app (0: none)")
    values["trusted_proxies"] = int(proxies)
    return values
