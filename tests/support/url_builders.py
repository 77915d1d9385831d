"""Each test builds its own app (`create_app`), and werkzeug compiles a URL builder for each of
its two hundred rules from a syntax tree every time: about 100 ms a test, most of an e2e test's
set-up. The builder werkzeug compiles depends only on the rule (its parts, its defaults, its
converters) and is given the rule it builds for when it is called, so the suite compiles each
one once and every app's rule takes the same function. The routing itself is werkzeug's,
unchanged; a werkzeug without this private method is left alone (each app compiles its own).

tests/unit/test_url_builders.py checks that the cached builders build what werkzeug's own do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing.rules import Rule

__all__ = ["share_compiled_url_builders"]

_compiled: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}


def _key(rule: Rule, append_unknown: bool) -> tuple[Any, ...]:
    converters = tuple(sorted(  # a converter's settings, not the map it belongs to
        (name, type(converter).__qualname__,
         repr(sorted((k, v) for k, v in vars(converter).items() if k != "map")))
        for name, converter in rule._converters.items()))
    defaults = tuple(sorted((name, repr(value)) for name, value in (rule.defaults or {}).items()))
    return (rule.rule, tuple(rule._trace), defaults, converters, append_unknown)


def share_compiled_url_builders() -> None:
    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "_shared", False):
        return

    def compile_builder(self: Rule, append_unknown: bool = True,
                        ) -> Callable[..., tuple[str, str]]:
        key = _key(self, append_unknown)
        builder = _compiled.get(key)
        if builder is None:
            builder = _compiled[key] = original(self, append_unknown)
        return builder

    compile_builder._shared = True  # type: ignore[attr-defined]
    compile_builder.original = original  # type: ignore[attr-defined]
    Rule._compile_builder = compile_builder  # type: ignore[method-assign]
