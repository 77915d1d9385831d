"""The suite's own isolation: what the app reads from the environment is hidden from every
test, and the check for threads a test leaves running finds them."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.ports.plugins import PluginSettingsError
from entrypoints.config import Settings
from entrypoints.plugins import PORTS, Port, installed, plugin
from tests.support.isolation import is_app_variable, threads_left_behind

pytestmark = pytest.mark.unit


class _RecordingEnvironment(dict[str, str]):
    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        self.read.add(name)
        return super().get(name, default)


def test_every_variable_the_settings_read_is_hidden_from_the_tests(tmp_path: Path) -> None:
    environment = _RecordingEnvironment({"MADOGUCHI_DATA_DIR": str(tmp_path)})

    Settings.from_env(environment)

    assert {"DATABASE_URL", "MADOGUCHI_ENV", "LINE_CHANNEL_SECRET", "MADOGUCHI_SMS_PROVIDER",
            "CELERY_BROKER_URL"} <= environment.read
    assert sorted(name for name in environment.read if not is_app_variable(name)) == []
    assert not is_app_variable("TEST_DATABASE_URL") and not is_app_variable("TEST_REDIS_URL")


@pytest.mark.parametrize("port", PORTS, ids=lambda port: port.group)
def test_every_variable_an_installed_plugin_reads_is_hidden_from_the_tests(port: Port) -> None:
    # each plug-in's hook reads its own variables, when it is the one chosen (ADR 0069)
    for name in installed(port):
        environment = _RecordingEnvironment({})
        with contextlib.suppress(PluginSettingsError):  # it read what it needs all the same
            plugin(port, name).settings(environment, False)
        assert sorted(n for n in environment.read if not is_app_variable(n)) == [], name


def test_a_test_sees_no_app_variable_but_a_temporary_data_directory(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    visible = {name: value for name, value in os.environ.items() if is_app_variable(name)}

    assert list(visible) == ["MADOGUCHI_DATA_DIR"]
    assert Path(visible["MADOGUCHI_DATA_DIR"]).is_relative_to(tmp_path_factory.getbasetemp())


@pytest.fixture
def stopped() -> Iterator[threading.Event]:
    """Ends the test's own threads, whatever the test asserted."""
    event = threading.Event()
    yield event
    event.set()


def test_a_thread_still_running_after_the_grace_period_is_left_behind(
        stopped: threading.Event) -> None:
    before = set(threading.enumerate())
    thread = threading.Thread(target=stopped.wait, name="madoguchi-outbox", daemon=True)
    thread.start()

    assert threads_left_behind(before, grace=0.1) == [thread]
    assert threads_left_behind(before | {thread}, grace=0.1) == []  # it was there before
    stopped.set()
    thread.join()
    assert threads_left_behind(before, grace=0.1) == []


def test_a_thread_that_ends_within_the_grace_period_is_not_left_behind() -> None:
    before = set(threading.enumerate())
    finishing = threading.Event()
    thread = threading.Thread(target=finishing.wait, args=(0.2,), name="werkzeug-request")
    thread.start()

    assert threads_left_behind(before, grace=5.0) == []
    assert not thread.is_alive()
