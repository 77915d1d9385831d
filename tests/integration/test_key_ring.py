"""Where the data keys live without MADOGUCHI_DATA_DIR, and a second key ring refused beside a
database that already holds encrypted data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from adapters.crypto import FieldCipher, new_key
from entrypoints.config import ConfigurationError, Settings
from entrypoints.containers import build_container, shutdown
from entrypoints.key_ring import check_key_ring


def database_with_encrypted_data(folder: Path, key: str) -> Path:
    """A database file holding one encrypted value (in a column the app encrypts)."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "madoguchi.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE residents (id TEXT PRIMARY KEY, facts TEXT)")
        connection.execute("INSERT INTO residents VALUES ('r1', ?)",
                           (FieldCipher([key]).encrypt(b'{"name": "x"}'),))
    connection.close()
    return database


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The command runs in another directory than the database's."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def test_without_a_data_dir_the_keys_live_beside_the_sqlite_database(
        tmp_path: Path, elsewhere: Path) -> None:
    database = tmp_path / "town" / "madoguchi.db"
    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{database}"})

    assert settings.data_dir == database.parent
    assert settings.keys_from == str(database.parent / "data.key")
    assert (database.parent / "data.key").exists()
    assert list(elsewhere.iterdir()) == []  # nothing in ./var of the working directory


def test_the_key_ring_beside_the_database_is_found_from_any_directory(
        tmp_path: Path, elsewhere: Path) -> None:
    key = new_key()
    database = database_with_encrypted_data(tmp_path / "town", key)
    (database.parent / "data.key").write_text(key)

    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{database}"})
    assert settings.data_keys == (key,)


def test_a_second_key_ring_is_refused_beside_a_database_holding_encrypted_data(
        tmp_path: Path, elsewhere: Path) -> None:
    database = database_with_encrypted_data(tmp_path / "town", new_key())
    other = tmp_path / "other"

    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({"DATABASE_URL": f"sqlite:///{database}",
                           "MADOGUCHI_DATA_DIR": str(other)})
    assert str(other) in str(refused.value) and "data.key" in str(refused.value)
    assert not (other / "data.key").exists()


def test_an_empty_database_gets_a_new_key_ring(tmp_path: Path, elsewhere: Path) -> None:
    database = tmp_path / "town" / "madoguchi.db"
    database.parent.mkdir()
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE residents (id TEXT PRIMARY KEY, facts TEXT)")
    connection.close()
    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{database}"})
    assert len(settings.data_keys) == 1


def test_keys_that_do_not_open_the_stored_data_are_refused_at_start_naming_the_data_dir(
        tmp_path: Path) -> None:
    right = new_key()
    database = database_with_encrypted_data(tmp_path / "town", right)
    env = {"DATABASE_URL": f"sqlite:///{database}", "MADOGUCHI_DATA_DIR": str(tmp_path / "d")}

    wrong = build_container(Settings.from_env({**env, "MADOGUCHI_DATA_KEYS": new_key()}))
    try:
        with pytest.raises(ConfigurationError) as refused:
            check_key_ring(wrong)
        assert str(tmp_path / "d") in str(refused.value)
    finally:
        shutdown(wrong)
        wrong.engine().dispose()

    opened = build_container(Settings.from_env({**env, "MADOGUCHI_DATA_KEYS": right}))
    try:
        assert check_key_ring(opened) == (
            f"data keys: MADOGUCHI_DATA_KEYS (data directory {tmp_path / 'd'})")
    finally:
        shutdown(opened)
        opened.engine().dispose()
