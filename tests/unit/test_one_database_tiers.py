"""The e2e and browser tiers run a test written for both databases once, on PostgreSQL when it
is set (ADR 0082); the integration tier, and a test marked `both_databases`, keep both."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import pytest_collection_modifyitems

pytestmark = pytest.mark.unit


def _item(nodeid: str, *markers: str, **params: Any) -> Any:
    return SimpleNamespace(nodeid=nodeid, callspec=SimpleNamespace(params=params),
                           get_closest_marker=lambda name: name if name in markers else None)


def _kept(items: list[Any], monkeypatch: pytest.MonkeyPatch, url: str | None) -> list[str]:
    if url is None:
        monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("TEST_DATABASE_URL", url)
    deselected: list[Any] = []
    config = SimpleNamespace(hook=SimpleNamespace(
        pytest_deselected=lambda items: deselected.extend(items)))
    kept = list(items)
    pytest_collection_modifyitems(config, kept)  # type: ignore[arg-type]
    assert len(kept) + len(deselected) == len(items)
    return [item.nodeid for item in kept]


ITEMS = [
    _item("tests/e2e/test_x.py::test_story[sqlite-GET /]", engine="sqlite", route="GET /"),
    _item("tests/e2e/test_x.py::test_story[postgresql-GET /]", engine="postgresql",
          route="GET /"),
    _item("tests/e2e/test_x.py::test_story[sqlite-GET /staff]", engine="sqlite",
          route="GET /staff"),  # no PostgreSQL twin: it stays
    _item("tests/browser/test_y.py::test_pinned[sqlite]", engine="sqlite"),
    _item("tests/e2e/test_r.py::test_race[sqlite]", "both_databases", engine="sqlite"),
    _item("tests/e2e/test_r.py::test_race[postgresql]", "both_databases", engine="postgresql"),
    _item("tests/browser/test_y.py::test_page[sqlite]", engine="sqlite"),
    _item("tests/browser/test_y.py::test_page[postgresql]", engine="postgresql"),
    _item("tests/integration/test_z.py::test_store[sqlite]", engine="sqlite"),
    _item("tests/integration/test_z.py::test_store[postgresql]", engine="postgresql"),
    SimpleNamespace(nodeid="tests/unit/test_w.py::test_plain"),
]


def test_with_postgresql_set_a_story_for_both_databases_runs_on_postgresql_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert _kept(ITEMS, monkeypatch, "postgresql://root@127.0.0.1:5432/test") == [
        "tests/e2e/test_x.py::test_story[postgresql-GET /]",
        "tests/e2e/test_x.py::test_story[sqlite-GET /staff]",
        "tests/browser/test_y.py::test_pinned[sqlite]",
        "tests/e2e/test_r.py::test_race[sqlite]",
        "tests/e2e/test_r.py::test_race[postgresql]",
        "tests/browser/test_y.py::test_page[postgresql]",
        "tests/integration/test_z.py::test_store[sqlite]",
        "tests/integration/test_z.py::test_store[postgresql]",
        "tests/unit/test_w.py::test_plain",
    ]


def test_without_postgresql_every_test_is_kept_and_its_postgresql_run_skips_itself(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert _kept(ITEMS, monkeypatch, None) == [item.nodeid for item in ITEMS]
