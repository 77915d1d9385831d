"""The access log never holds a query string (a query may carry a name, a date of birth or a
signed token): `madoguchi serve`'s request log and gunicorn's access log format."""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
import logging
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from werkzeug.serving import ThreadedWSGIServer

from entrypoints.cli import main
from entrypoints.logging_setup import gunicorn_logconfig
from entrypoints.web.access_log import GUNICORN_ACCESS_LOG_FORMAT, QuietQueryRequestHandler
from tests.support._serving import EndsItsRequests

pytestmark = pytest.mark.e2e


class _Server(EndsItsRequests, ThreadedWSGIServer):
    pass


def test_the_request_log_names_the_path_without_its_query_string(
        caplog: pytest.LogCaptureFixture) -> None:
    app = Flask("probe")
    app.add_url_rule("/staff/residents", "residents", lambda: "ok")
    server = _Server("127.0.0.1", 0, app, handler=QuietQueryRequestHandler)
    thread = threading.Thread(target=functools.partial(server.serve_forever, poll_interval=0.05),
                              daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            url = (f"http://127.0.0.1:{server.server_port}/staff/residents"
                   "?name=%E5%B1%B1%E7%94%B0&date_of_birth=1985-04-01")
            assert urllib.request.urlopen(url, timeout=5).status == 200
    finally:
        server.stop()
        thread.join(timeout=5)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "GET /staff/residents HTTP/1.1" in logged and " 200 " in logged
    assert "1985" not in logged and "name=" not in logged and "山田" not in logged


def test_madoguchi_serve_logs_requests_without_their_query_strings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path / "var"), "MADOGUCHI_TASK_QUEUE": "in_process"}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    handlers: list[Any] = []

    def served(host: str, port: int, app: Flask, **options: Any) -> None:
        handlers.append(options.get("request_handler"))

    monkeypatch.setattr(importlib.import_module("entrypoints.cli.serve"), "run_simple", served)

    assert runner.invoke(main, ["serve", "--port", "8998"], env=env).exit_code == 0
    assert handlers == [QuietQueryRequestHandler]


def test_gunicorn_logs_the_path_alone_and_no_referrer() -> None:
    from gunicorn.config import Config

    config = Config()
    config.set("access_log_format", GUNICORN_ACCESS_LOG_FORMAT)
    fmt = config.access_log_format
    assert "%(U)s" in fmt
    for with_query in ("%(r)s", "%(q)s", "%(f)s"):  # request line, query, referrer
        assert with_query not in fmt
    settings = importlib.import_module("entrypoints.gunicorn_conf")
    assert settings.access_log_format == GUNICORN_ACCESS_LOG_FORMAT


class _Answered:
    status = "200 OK"
    headers = [("Content-Type", "text/html"), ("X-Request-Id", "req-gunicorn-0001")]
    sent = 512


def test_gunicorn_in_production_writes_json_access_lines_with_the_request_id(
        capsys: pytest.CaptureFixture[str]) -> None:
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("access_log_format", GUNICORN_ACCESS_LOG_FORMAT)
    config.set("logconfig_dict", gunicorn_logconfig({"MADOGUCHI_ENV": "production"}))
    root = logging.getLogger()
    kept = {name: (list(logging.getLogger(name).handlers), logging.getLogger(name).level)
            for name in ("", "gunicorn.error", "gunicorn.access")}
    try:
        logger = Logger(config)
        logger.access(_Answered(), {"User-Agent": "test"}, {
            "REQUEST_METHOD": "GET", "PATH_INFO": "/staff/residents",
            "QUERY_STRING": "name=%E5%B1%B1%E7%94%B0", "SERVER_PROTOCOL": "HTTP/1.1",
            "RAW_URI": "/staff/residents?name=%E5%B1%B1%E7%94%B0", "REMOTE_ADDR": "10.0.0.5",
            "HTTP_REFERER": "https://town.example/staff/residents?name=x"},
            dt.timedelta(milliseconds=12))
    finally:
        for name, (handlers, level) in kept.items():
            named = logging.getLogger(name) if name else root
            named.handlers[:] = handlers
            named.setLevel(level)

    [line] = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert line["logger"] == "gunicorn.access" and line["level"] == "INFO"
    assert '"GET /staff/residents HTTP/1.1" 200 512' in line["message"]
    assert line["message"].endswith(" req-gunicorn-0001")
    assert "name=" not in json.dumps(line) and "%E5" not in json.dumps(line)
