"""The link store's contract (application/ports/resident_links.py), on the database and on the
in-memory fake alike: a link is kept once, used once (of many uses at once, one wins), and its
wrong codes are counted."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine

from adapters.persistence.resident_links import SqlLinkStore
from application.ports.resident_links import LinkPurpose, LinkStore, ResidentLink
from tests.fake_links import MemoryLinkStore

AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["sql", "memory"])
def store(request: pytest.FixtureRequest, engine: Engine) -> LinkStore:
    return SqlLinkStore(engine) if request.param == "sql" else MemoryLinkStore()


def _link(link_id: str = "L" * 22, **changes: object) -> ResidentLink:
    fields: dict[str, object] = {"id": link_id, "purpose": LinkPurpose.MESSAGE,
                                 "identity_id": "sms1", "message_id": "m1", "created_at": AT,
                                 "expires_at": AT + dt.timedelta(days=7)}
    return ResidentLink(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_link_is_kept_as_it_was_made(store: LinkStore) -> None:
    assert store.add(_link())

    assert store.get("L" * 22) == _link()
    assert store.get("unknown") is None


def test_a_second_link_with_the_same_id_changes_nothing(store: LinkStore) -> None:
    store.add(_link())

    assert store.add(_link(message_id="m2")) is False
    assert store.get("L" * 22).message_id == "m1"  # type: ignore[union-attr]


def test_a_link_is_used_once(store: LinkStore) -> None:
    store.add(_link())

    assert store.use("L" * 22, at=AT) is True
    assert store.use("L" * 22, at=AT) is False
    assert store.get("L" * 22).used_at == AT  # type: ignore[union-attr]
    assert store.use("unknown", at=AT) is False


def test_of_many_uses_at_once_one_wins(store: LinkStore) -> None:
    store.add(_link())
    won: list[bool] = []
    lock = threading.Lock()

    def use() -> None:
        result = store.use("L" * 22, at=AT)
        with lock:
            won.append(result)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(won) == [False] * 7 + [True]


def test_wrong_codes_are_counted(store: LinkStore) -> None:
    store.add(_link(purpose=LinkPurpose.CODE, code_digest="d" * 64, message_id=None))

    counts = [store.count_attempt("L" * 22) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert store.get("L" * 22).attempts == 3  # type: ignore[union-attr]
    assert store.count_attempt("unknown") == 0
