"""Each test builds its own app (`create_app`), and each app's Jinja environment compiles every
template it renders from its source: lexing, parsing and Python's `compile`, 10–40 ms for a
staff page with its layout and macros, in nearly every e2e test. The compiled code depends only
on the template's source and on the environment's syntax settings, so the suite keeps one
in-memory bytecode cache (Jinja's own `BytecodeCache` hook) that every app's environment shares:
each template is compiled once per test process. Rendering is Jinja's, unchanged: each
environment still runs the code with its own filters, globals and translations.

tests/unit/test_shared_templates.py checks that an app on the shared cache renders what an app
on its own does, and that a changed source or other syntax settings are compiled anew."""

from __future__ import annotations

from types import CodeType
from typing import Any

from flask import Flask
from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache

__all__ = ["SharedTemplates", "share_compiled_templates"]


def _syntax(environment: Environment) -> tuple[Any, ...]:
    """What Jinja's code generator reads from the environment besides the source."""
    autoescape = environment.autoescape
    return (
        tuple(sorted(environment.extensions)),
        autoescape if isinstance(autoescape, bool) else getattr(autoescape, "__qualname__", ""),
        environment.block_start_string, environment.block_end_string,
        environment.variable_start_string, environment.variable_end_string,
        environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix,
        environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
        environment.keep_trailing_newline, environment.optimized,
        environment.finalize is not None, environment.is_async,
    )


class SharedTemplates(BytecodeCache):
    """Compiled templates by name, file, source checksum and syntax settings."""

    def __init__(self) -> None:
        self._code: dict[tuple[Any, ...], CodeType] = {}

    def _key(self, bucket: Bucket) -> tuple[Any, ...]:
        return (bucket.key, bucket.checksum, _syntax(bucket.environment))

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(self._key(bucket))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self._code[self._key(bucket)] = bucket.code

    def __len__(self) -> int:
        return len(self._code)


SHARED = SharedTemplates()


def share_compiled_templates() -> None:
    """Every Flask app built from now on in this process compiles through `SHARED`."""
    if Flask.jinja_options.get("bytecode_cache") is not SHARED:
        Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": SHARED}
