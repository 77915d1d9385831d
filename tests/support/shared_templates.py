"""Each test builds its own app (`create_app`), and each app's Jinja environment compiles every
template it renders from its source: lexing, parsing and Python's `compile`, 10–40 ms for a
staff page with its layout and macros, in nearly every e2e test. The compiled code depends only
on the template's source and on the environment's syntax settings, so the suite keeps one
in-memory bytecode cache (Jinja's own `BytecodeCache` hook) that every app's environment shares:
each template is compiled once per test process. Rendering is Jinja's, unchanged: each
environment still runs the code with its own filters, globals and translations.

What the compiler reads from the environment is part of the key: its syntax settings, its
extensions and their options, how it escapes (a bound method by its function, as Flask's apps
share one; any other callable by identity, so it is never shared) and the names of its filters
and tests with what each is passed (a template compiled where a filter is missing, or takes the
context, is not run where it differs).

tests/unit/test_shared_templates.py checks that an app on the shared cache renders what an app
on its own does, and that a changed source or other syntax settings are compiled anew."""

from __future__ import annotations

from types import CodeType
from typing import Any

from flask import Flask
from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache

__all__ = ["SharedTemplates", "share_compiled_templates"]

_COMPILED_POLICIES = ("compiler.ascii_str", "ext.i18n.trimmed")  # the others are read when run


def _syntax(environment: Environment) -> tuple[Any, ...]:
    """What Jinja's code generator reads from the environment besides the source."""
    return (
        tuple(sorted(environment.extensions)), _same(environment.autoescape),
        environment.block_start_string, environment.block_end_string,
        environment.variable_start_string, environment.variable_end_string,
        environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix,
        environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
        environment.keep_trailing_newline, environment.optimized, environment.is_async,
        _passed(environment.finalize) if environment.finalize is not None else None,
        getattr(environment, "newstyle_gettext", None),
        tuple(environment.policies.get(name) for name in _COMPILED_POLICIES),
        tuple(sorted((name, _passed(f)) for name, f in environment.filters.items())),
        tuple(sorted((name, _passed(f)) for name, f in environment.tests.items())),
    )


def _same(autoescape: Any) -> Any:
    """Autoescape as the key holds it: a bool, a bound method by its function (each Flask app
    has its own bound `select_jinja_autoescape`), anything else itself (held by the key, so its
    identity is never taken by another function once it is gone)."""
    if isinstance(autoescape, bool):
        return autoescape
    return getattr(autoescape, "__func__", autoescape)


def _passed(function: Any) -> str:
    """What Jinja passes a filter, test or finalize first (context, environment…), or ''."""
    passed = getattr(function, "jinja_pass_arg", None)
    return passed.name if passed is not None else ""


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
