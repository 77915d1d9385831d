"""The suite's shared rules (tests/support/url_builders.py) match and build what werkzeug's own
would, rules that differ only in a default or a subdomain do not share a builder, and a shared
rule's converters belong to its own map."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.routing import Map, Rule

from tests.support.url_builders import share_compiled_url_builders

pytestmark = pytest.mark.unit

RULES = [
    ("/a/<int:n>", "int"), ("/a/<int(signed=True):n>", "signed"),
    ("/b/<path:rest>", "path"), ("/c/", "c-first"), ("/c/<name>", "c-named"),
    ("/d/<name>", "d-default"),
]


def _map() -> Map:
    rules = [Rule(rule, endpoint=endpoint) for rule, endpoint in RULES]
    rules.append(Rule("/d/", endpoint="d-default", defaults={"name": "初め"}))
    return Map(rules)


CALLS = [("int", {"n": 7}), ("signed", {"n": -3}), ("path", {"rest": "x/y z"}),
         ("c-first", {"q": "a&b"}), ("c-named", {"name": "窓口", "page": 2}),
         ("d-default", {}), ("d-default", {"name": "二"}), ("int", {}), ("c-named", {})]


PATHS = ["/a/7", "/a/-3", "/b/x/y%20z", "/c/", "/c/窓口", "/d/", "/d/二", "/a/x"]


@contextmanager
def _werkzeugs_own() -> Iterator[None]:
    """Rules made inside parse and compile their builders as werkzeug does."""
    shared = Rule._parse_rule, Rule._compile_builder
    Rule._parse_rule = shared[0].original  # type: ignore[attr-defined, method-assign]
    Rule._compile_builder = shared[1].original  # type: ignore[attr-defined, method-assign]
    try:
        yield
    finally:
        Rule._parse_rule, Rule._compile_builder = shared  # type: ignore[method-assign]


def _outcome(call, *args: object) -> object:  # type: ignore[no-untyped-def]
    try:
        return call(*args)
    except Exception as refused:  # a refusal is an outcome to compare
        return type(refused).__name__


@pytest.mark.parametrize(("endpoint", "values"), CALLS)
def test_a_shared_builder_builds_what_werkzeugs_own_builds(endpoint: str, values: dict) -> None:
    share_compiled_url_builders()
    first, second = _map().bind("town.example"), _map().bind("town.example")  # the 2nd shares
    with _werkzeugs_own():
        own = _map().bind("town.example")

    expected = _outcome(own.build, endpoint, values)

    assert (_outcome(first.build, endpoint, values) == _outcome(second.build, endpoint, values)
            == expected)


def test_rules_that_differ_only_in_a_default_do_not_share_a_builder() -> None:
    share_compiled_url_builders()
    japanese = Map([Rule("/e/<lang>", endpoint="e", defaults={"lang": "ja"})]).bind("t.example")
    english = Map([Rule("/e/<lang>", endpoint="e", defaults={"lang": "en"})]).bind("t.example")

    assert (japanese.build("e", {}), english.build("e", {})) == ("/e/ja", "/e/en")


def test_rules_that_differ_only_in_their_subdomain_do_not_share_a_builder() -> None:
    share_compiled_url_builders()
    towns = [Map([Rule("/x/<n>", endpoint="x", subdomain=name)]).bind("town.example",
                                                                      subdomain=name)
             for name in ("kita", "minami")]

    built = [town.build("x", {"n": "1"}, force_external=True) for town in towns]

    assert built == ["http://kita.town.example/x/1", "http://minami.town.example/x/1"]




@pytest.mark.parametrize("path", PATHS)
def test_a_shared_rule_matches_what_werkzeugs_own_matches(path: str) -> None:
    share_compiled_url_builders()
    first, second = _map().bind("town.example"), _map().bind("town.example")
    with _werkzeugs_own():
        own = _map().bind("town.example")

    assert (_outcome(first.match, path) == _outcome(second.match, path)
            == _outcome(own.match, path))


def test_a_shared_rules_converters_belong_to_its_own_map() -> None:
    share_compiled_url_builders()
    maps = [_map(), _map()]

    converters = [rule._converters["n"] for m in maps for rule in m.iter_rules()
                  if rule.endpoint == "int"]

    assert [converter.map for converter in converters] == maps
    assert converters[0] is not converters[1]
