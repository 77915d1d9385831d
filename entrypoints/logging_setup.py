"""Logging, set up in one place for every process (`madoguchi serve`, `worker`, `scheduler`, the
gunicorn app and its own loggers): JSON lines in production, text in development
(`MADOGUCHI_LOG_FORMAT`), each line with the request id (application/correlation.py).

What keeps personal data out, on every handler this sets up (`MadoguchiFilter`):
- a query string is cut from anything that looks like a path or a URL (`/staff/residents?name=…`
  is logged `/staff/residents`): a query may carry a name, a date of birth or a signed token;
- an exception is logged by its type and where it was raised, never its message: a database
  error quotes the row it refused, a parser the line it could not read;
- a JSON line holds only the fields below and the extras named in `SAFE_FIELDS` (ids, counts,
  outcomes): an `extra={"name": …}` never reaches the output;
- DEBUG lines come from Madoguchi's own code only: libraries log whole bodies there (the LINE
  SDK logs each answer, a resident's profile name included).
Form values and names are never passed to a log call in the first place (the tests check a
resident search and a registry import)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import IO, Any

from application.correlation import current_request_id

__all__ = ["FORMATS", "SAFE_FIELDS", "JsonFormatter", "MadoguchiFilter", "TextFormatter",
           "configure_logging", "configured_logging", "gunicorn_logconfig", "log_format_from",
           "scrubbed_exception"]

FORMATS = ("json", "text")
# Extras a log call may add to its JSON line: ids, kinds, counts and outcomes, never a person.
SAFE_FIELDS = ("job_id", "job_kind", "outbox_id", "channel", "outcome", "attempt",
               "duration_ms", "status", "method", "path", "events")
OURS = ("domain", "application", "adapters", "entrypoints", "demo")  # loggers that may DEBUG
_MARK = "_madoguchi_handler"  # on the handlers configure_logging installs (replaced on a re-run)
_QUERY = re.compile(r"((?:https?://[^\s?#\"'<>]+)|(?<![\w.])/[^\s?#\"'<>]*)\?[^\s#\"'<>]*")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def log_format_from(env: Mapping[str, str]) -> str:
    """MADOGUCHI_LOG_FORMAT, else JSON lines in production and text elsewhere."""
    default = "json" if env.get("MADOGUCHI_ENV") == "production" else "text"
    return env.get("MADOGUCHI_LOG_FORMAT", "") or default


def scrubbed_exception(exc_info: tuple[type[BaseException], BaseException,
                                      TracebackType | None]) -> str:
    """The traceback of an exception and of those it came from, each named by its type only
    (the frames by file, line and function: not even the source line, which may hold a
    literal)."""
    parts: list[str] = []
    seen: set[int] = set()
    error: BaseException | None = exc_info[1]
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        frames = "".join(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
                         for frame in traceback.extract_tb(error.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}"
                     f"{type(error).__module__}.{type(error).__qualname__} (message not logged)")
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return "\n\nwhich was raised while handling:\n".join(parts)


class MadoguchiFilter(logging.Filter):
    """Adds the request id and takes out query strings and exception messages (above)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO and record.name.split(".", 1)[0] not in OURS:
            return False
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        message = record.getMessage()
        cleaned = _ANSI.sub("", _QUERY.sub(r"\1", message))
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrubbed_exception(record.exc_info)  # type: ignore[arg-type]
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, the
    safe extras, and `exception` (scrubbed by the filter) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC)
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for name in SAFE_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str | int | float | bool):
                line[name] = value
        if record.exc_info and not record.exc_text:  # a handler without the filter
            record.exc_text = scrubbed_exception(record.exc_info)  # type: ignore[arg-type]
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        if record.exc_info and not record.exc_text:
            record.exc_text = scrubbed_exception(record.exc_info)  # type: ignore[arg-type]
        return super().format(record)


def _formatter(log_format: str) -> logging.Formatter:
    if log_format not in FORMATS:
        raise ValueError(f"MADOGUCHI_LOG_FORMAT must be one of {FORMATS}")
    return JsonFormatter() if log_format == "json" else TextFormatter()


def configure_logging(log_format: str, level: str = "INFO",
                      stream: IO[str] | None = None) -> logging.Handler:
    """One handler on the root logger (replacing one an earlier call installed and those a
    server installed before, such as gunicorn's), writing `log_format` lines to `stream`
    (standard error). Returns the handler."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(_formatter(log_format))
    handler.addFilter(MadoguchiFilter())
    setattr(handler, _MARK, True)
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, _MARK, False) or type(old) is logging.StreamHandler:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler


@contextmanager
def configured_logging(log_format: str, level: str = "INFO",
                       stream: IO[str] | None = None) -> Iterator[logging.Handler]:
    """`configure_logging` for a command's lifetime (`serve`, `worker`, `scheduler`): the root
    logger's handlers and level are given back when it ends."""
    root = logging.getLogger()
    handlers, previous = list(root.handlers), root.level
    handler = configure_logging(log_format, level, stream)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for old in handlers:
            if old not in root.handlers:
                root.addHandler(old)
        root.setLevel(previous)


def gunicorn_logconfig(env: Mapping[str, str]) -> dict[str, Any]:
    """gunicorn's own loggers (`gunicorn.error`, `gunicorn.access`) in the same format, through
    the same filter; {} keeps gunicorn's defaults (text)."""
    if log_format_from(env) != "json":
        return {}

    def handler(stream: str) -> dict[str, Any]:
        return {"class": "logging.StreamHandler", "formatter": "madoguchi",
                "filters": ["madoguchi"], "stream": stream}

    return {
        "version": 1, "disable_existing_loggers": False,
        "filters": {"madoguchi": {"()": MadoguchiFilter}},
        "formatters": {"madoguchi": {"()": JsonFormatter}},
        "handlers": {"console": handler("ext://sys.stdout"),
                     "error_console": handler("ext://sys.stderr")},
        "root": {"level": env.get("MADOGUCHI_LOG_LEVEL", "INFO").upper(),
                 "handlers": ["error_console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"],
                               "propagate": False, "qualname": "gunicorn.error"},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"],
                                "propagate": False, "qualname": "gunicorn.access"},
        },
    }
