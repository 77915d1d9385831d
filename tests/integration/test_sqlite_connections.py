"""Every connection to the embedded SQLite database is set up the same way (ADR 0003): foreign
keys enforced, WAL, NORMAL synchronous, a 30 s busy timeout and a 64 MiB page cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.persistence.database import SQLITE_CACHE_KIB, make_engine

pytestmark = pytest.mark.integration


def test_each_pooled_connection_has_the_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'town.db'}")
    try:
        with engine.connect() as first, engine.connect() as second:  # two connections
            for connection in (first, second):
                assert [connection.execute(text(f"PRAGMA {name}")).scalar() for name in (
                    "foreign_keys", "journal_mode", "synchronous", "busy_timeout",
                    "cache_size")] == [1, "wal", 1, 30000, -SQLITE_CACHE_KIB]
    finally:
        engine.dispose()
