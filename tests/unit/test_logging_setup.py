"""Log lines: one JSON object a line in production (time in UTC, level, logger, message, request
id, safe extras), and nothing personal in them whatever a log call passes: no query string, no
exception message, no extra field outside the safe list."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Iterator

import pytest

from application.correlation import current_request_id, request_id_bound, well_formed
from entrypoints.logging_setup import configured_logging, gunicorn_logconfig, log_format_from

pytestmark = pytest.mark.unit

log = logging.getLogger("tests.logging_setup")


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    with configured_logging("json", "DEBUG", stream=stream):
        yield stream


def _parsed(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_json_line_holds_time_level_logger_message_and_request_id(
        lines: io.StringIO) -> None:
    with request_id_bound("req-0123456789") as request_id:
        log.info("job %s started", "J1", extra={"job_id": "J1", "job_kind": "import_registry"})

    [line] = _parsed(lines)
    assert list(line)[:5] == ["time", "level", "logger", "message", "request_id"]
    assert line["level"] == "INFO" and line["logger"] == "tests.logging_setup"
    assert line["message"] == "job J1 started" and line["request_id"] == request_id
    assert line["job_id"] == "J1" and line["job_kind"] == "import_registry"
    when = dt.datetime.fromisoformat(str(line["time"]))
    assert when.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - when) < dt.timedelta(minutes=5)


def test_a_line_without_a_bound_request_id_says_null(lines: io.StringIO) -> None:
    log.warning("nothing bound")

    assert _parsed(lines)[0]["request_id"] is None


def test_extras_outside_the_safe_list_are_left_out(lines: io.StringIO) -> None:
    log.info("searched", extra={"resident_name": "山田 太郎", "date_of_birth": "1985-04-01",
                                "outcome": "found"})

    [line] = _parsed(lines)
    assert "山田" not in lines.getvalue() and "1985" not in lines.getvalue()
    assert line["outcome"] == "found" and "resident_name" not in line


def test_query_strings_are_cut_from_paths_and_urls(lines: io.StringIO) -> None:
    log.info("GET /staff/residents?name=%E5%B1%B1%E7%94%B0&dob=1985-04-01 HTTP/1.1 200")
    log.info("fetching %s", "https://api.line.me/v2/bot/profile?user=U123&name=山田")

    messages = [line["message"] for line in _parsed(lines)]
    assert messages == ["GET /staff/residents HTTP/1.1 200",
                        "fetching https://api.line.me/v2/bot/profile"]


def test_debug_lines_come_from_our_code_only_never_from_a_library_that_logs_bodies(
        lines: io.StringIO) -> None:
    logging.getLogger("linebot.v3.messaging.rest").debug(
        "response body: %s", b'{"displayName": "\xe5\xb1\xb1\xe7\x94\xb0"}')
    logging.getLogger("adapters.line.messenger").debug("pushed %d message(s)", 1)

    assert [line["message"] for line in _parsed(lines)] == ["pushed 1 message(s)"]


def test_an_exception_is_logged_by_its_type_and_place_never_its_message(
        lines: io.StringIO) -> None:
    try:
        try:
            raise KeyError("住所 見本町1丁目1番1号")
        except KeyError as inner:
            raise ValueError("山田 太郎 (1985-04-01) could not be stored") from inner
    except ValueError:
        log.exception("LINE event %s could not be handled", "E1")

    [line] = _parsed(lines)
    output = lines.getvalue()
    assert "山田" not in output and "1985" not in output and "見本町" not in output
    assert line["message"] == "LINE event E1 could not be handled"
    assert "builtins.ValueError (message not logged)" in str(line["exception"])
    assert "builtins.KeyError (message not logged)" in str(line["exception"])
    assert "test_an_exception_is_logged_by_its_type_and_place" in str(line["exception"])


def test_the_text_format_says_the_request_id_and_also_hides_exception_messages() -> None:
    stream = io.StringIO()
    with configured_logging("text", "INFO", stream=stream), \
            request_id_bound("req-text-000001"):
        try:
            raise RuntimeError("山田 太郎")
        except RuntimeError:
            log.exception("failed")

    assert "[req-text-000001] failed" in stream.getvalue()
    assert "山田" not in stream.getvalue()


def test_configured_logging_gives_the_root_logger_back() -> None:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    with configured_logging("json", "DEBUG", stream=io.StringIO()):
        assert root.level == logging.DEBUG
    assert root.handlers == before and root.level == level


def test_production_logs_json_lines_and_development_text_unless_told() -> None:
    assert log_format_from({"MADOGUCHI_ENV": "production"}) == "json"
    assert log_format_from({}) == "text"
    assert log_format_from({"MADOGUCHI_ENV": "production", "MADOGUCHI_LOG_FORMAT": "text"}) \
        == "text"
    assert gunicorn_logconfig({}) == {}
    config = gunicorn_logconfig({"MADOGUCHI_ENV": "production"})
    assert set(config["loggers"]) == {"gunicorn.error", "gunicorn.access"}


@pytest.mark.parametrize("value", ["0f8fad5b-d9cb-469f-a165-70867728950e", "req-0123456789",
                                   "Root=1-67891233-abcdef012345678912345678"])
def test_a_well_formed_request_id_is_taken(value: str) -> None:
    assert well_formed(value)
    with request_id_bound(value) as bound:
        assert bound == value == current_request_id()
    assert current_request_id() is None


@pytest.mark.parametrize("value", [None, "", "short", "a" * 65, "req-0001\nforged line",
                                   "山田太郎さんのリクエスト", "req 0123456789", "req-0123\"4567"])
def test_anything_else_is_replaced_by_a_new_id(value: str | None) -> None:
    with request_id_bound(value) as bound:
        assert bound != value and well_formed(bound)
