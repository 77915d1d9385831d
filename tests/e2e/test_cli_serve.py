"""`madoguchi serve`: when the server stops, the threads the app started stop with it."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from entrypoints.cli import main
from tests.support.isolation import threads_left_behind

pytestmark = pytest.mark.e2e


def test_the_outbox_threads_end_when_the_server_stops(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path / "var"), "MADOGUCHI_TASK_QUEUE": "in_process"}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    running: set[str] = set()

    def served_until_interrupted(host: str, port: int, app: Flask, **options: Any) -> None:
        container = app.extensions["madoguchi"]  # a request wrote a reply: the pump woke
        container.outbox_notifier().wake()
        container.outbox_executor().submit(lambda: None).result()
        running.update(thread.name for thread in threading.enumerate())

    commands = importlib.import_module("entrypoints.cli.serve")  # the module, not the command
    monkeypatch.setattr(commands, "run_simple", served_until_interrupted)
    before = set(threading.enumerate())

    result = runner.invoke(main, ["serve", "--port", "8999"], env=env)

    assert result.exit_code == 0, result.output
    assert {"madoguchi-outbox", "madoguchi-send_0"} <= running
    assert threads_left_behind(before, grace=0) == []
