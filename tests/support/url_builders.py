"""Each test builds its own app (`create_app`), and werkzeug compiles each of its two hundred
rules again for every app: it parses the rule into the parts the router matches (a regular
expression per dynamic part) and compiles a URL builder from a syntax tree. Together that was most
of an e2e test's set-up. Both depend only on the rule (its text, its defaults, its converters'
settings) and on the converters the map knows, so the suite does each once per rule:
- the parsed parts are kept by rule class, rule text and the map's converter classes; a new
  rule takes the same parts and a copy of each converter, bound to its own map. This assumes a
  converter's regex and weight follow from its arguments in the rule, as werkzeug's own do
  (the app registers no converter of its own);
- the compiled builder is given the rule it builds for when it is called, so every app's rule
  takes the same function.
The routing and building themselves are werkzeug's, unchanged; a werkzeug without these private
methods is left alone (each app compiles its own).

tests/unit/test_url_builders.py checks that shared rules match and build what werkzeug's own do."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.routing.converters import BaseConverter
from werkzeug.routing.rules import Rule, RulePart

__all__ = ["share_compiled_url_builders"]

_compiled: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}
_Parsed = tuple[list[RulePart], list[tuple[bool, str]], dict[str, BaseConverter]]
_parsed: dict[tuple[Any, ...], _Parsed] = {}


def _key(rule: Rule, append_unknown: bool) -> tuple[Any, ...]:
    converters = tuple(sorted(  # a converter's settings, not the map it belongs to
        (name, type(converter).__qualname__,
         repr(sorted((k, v) for k, v in vars(converter).items() if k != "map")))
        for name, converter in rule._converters.items()))
    defaults = tuple(sorted((name, repr(value)) for name, value in (rule.defaults or {}).items()))
    return (rule.rule, tuple(rule._trace), defaults, converters, append_unknown)


def share_compiled_url_builders() -> None:
    _share_parsed_rules()
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


def _share_parsed_rules() -> None:
    original = getattr(Rule, "_parse_rule", None)
    if original is None or getattr(original, "_shared", False):
        return

    def parse_rule(self: Rule, rule: str) -> Iterable[RulePart]:
        key = (type(self), rule, tuple(sorted(self.map.converters.items())))  # type: ignore[union-attr]
        parsed = _parsed.get(key)
        if parsed is None:  # werkzeug's own parse, and what it added to the rule
            traced, known = len(self._trace), dict(self._converters)
            parts = list(original(self, rule))
            added = {name: converter for name, converter in self._converters.items()
                     if known.get(name) is not converter}
            _parsed[key] = (parts, self._trace[traced:], added)
            return parts
        parts, trace, converters = parsed
        self._trace.extend(trace)
        for name, converter in converters.items():
            own = copy.copy(converter)
            own.map = self.map
            self._converters[name] = own
            self.arguments.add(name)
        return list(parts)

    parse_rule._shared = True  # type: ignore[attr-defined]
    parse_rule.original = original  # type: ignore[attr-defined]
    Rule._parse_rule = parse_rule  # type: ignore[method-assign]
