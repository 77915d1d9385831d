"""The suite's shared URL builders (tests/support/url_builders.py) build what werkzeug's own
would, and rules that differ only in a default or a subdomain do not share one."""

from __future__ import annotations

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
         ("d-default", {}), ("d-default", {"name": "二"})]


@pytest.mark.parametrize(("endpoint", "values"), CALLS)
def test_a_shared_builder_builds_what_werkzeugs_own_builds(endpoint: str, values: dict) -> None:
    share_compiled_url_builders()
    first, second = _map().bind("town.example"), _map().bind("town.example")  # the 2nd shares
    shared = Rule._compile_builder
    Rule._compile_builder = shared.original  # type: ignore[attr-defined]
    try:
        own = _map().bind("town.example")
    finally:
        Rule._compile_builder = shared

    expected = own.build(endpoint, values)

    assert first.build(endpoint, values) == second.build(endpoint, values) == expected


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
