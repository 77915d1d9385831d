"""What keeps one test from another and the suite from the developer's machine: the
environment variables the app reads (`entrypoints/config.py`), which no test may inherit, and
the threads a test leaves running."""

from __future__ import annotations

import threading
import time
from collections.abc import Collection

__all__ = ["is_app_variable", "threads_left_behind"]

# Every variable `Settings.from_env` reads (tests/unit/test_test_isolation.py keeps the list
# complete). `TEST_DATABASE_URL` and `TEST_REDIS_URL`, the tests' own opt-ins, are not among them.
_APP_NAMES = frozenset({"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"})
# The plug-ins' own variables are among them: EXAMPLE_SMS_ is the example SMS plug-in's
# (examples/madoguchi-sms-example, ADR 0069).
_APP_PREFIXES = ("MADOGUCHI_", "LINE_", "LINEPAY_", "OIDC_", "PAYPAY_", "TWILIO_",
                 "EXAMPLE_SMS_")


def is_app_variable(name: str) -> bool:
    return name in _APP_NAMES or name.startswith(_APP_PREFIXES)


def threads_left_behind(before: Collection[threading.Thread], *,
                        grace: float) -> list[threading.Thread]:
    """Threads started since `before` that are still running after up to `grace` seconds (the
    time a server's last request thread or a stopped pump needs to finish)."""
    deadline = time.monotonic() + grace
    while True:
        left = [thread for thread in threading.enumerate()
                if thread not in before and thread.is_alive()
                # Threads started outside Python (a C library calling back) appear as dummies
                # that never end and cannot be joined; none of ours is one.
                and not isinstance(thread, threading._DummyThread)]
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.02)
