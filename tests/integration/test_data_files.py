"""The files that hold the town's data are closed to other users of the server."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.persistence.database import make_engine
from entrypoints.config import Settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_is_made_mode_600_in_a_directory_made_mode_700(
        tmp_path: Path) -> None:
    database = tmp_path / "var" / "madoguchi.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x TEXT)"))
            connection.execute(text("INSERT INTO t VALUES ('山田')"))
        assert mode(database.parent) == 0o700
        assert mode(database) == 0o600
        assert all(mode(p) == 0o600 for p in database.parent.glob("madoguchi.db-*"))  # WAL
    finally:
        engine.dispose()


def test_an_existing_database_keeps_its_mode(tmp_path: Path) -> None:
    database = tmp_path / "town.db"
    database.touch(mode=0o640)
    database.chmod(0o640)
    make_engine(f"sqlite:///{database}").dispose()
    assert mode(database) == 0o640


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_makes_no_file(tmp_path: Path, url: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_engine(url).dispose()
    assert list(tmp_path.iterdir()) == []


def test_the_data_directory_made_for_the_keys_is_mode_700(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Settings.from_env({"MADOGUCHI_DATA_DIR": str(data_dir)})
    assert mode(data_dir) == 0o700
    assert {p.name: mode(p) for p in data_dir.iterdir()} == {
        "data.key": 0o600, "match.key": 0o600, "secret.key": 0o600}
