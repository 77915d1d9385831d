"""The `madoguchi` command line, run as a newcomer would, on a fresh data directory."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.isolation import is_app_variable

pytestmark = pytest.mark.e2e


def _run(tmp_path: Path, *args: str, stdin: str | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not is_app_variable(k)}
    environment.update({"MADOGUCHI_DATA_DIR": str(tmp_path / "var"), **(env or {})})
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], cwd=tmp_path,
                          env=environment, capture_output=True, text=True, input=stdin,
                          timeout=120)


def test_a_newcomer_migrates_seeds_the_demo_town_and_gets_an_api_key(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "upgrade").returncode == 0

    # Without the year of activity (tests/integration/test_demo_activity.py and the README's
    # story in tests/e2e/test_demo_story.py seed it): it takes seconds a loaded machine
    # stretches past this command's time limit.
    demo = _run(tmp_path, "demo", "--households", "30", "--no-history")
    assert demo.returncode == 0, demo.stderr
    assert "30 households" in demo.stdout and "admin (administrator)" in demo.stdout
    assert "a year of activity" not in demo.stdout
    again = _run(tmp_path, "demo", "--households", "30", "--no-history")
    assert "0 households" in again.stdout

    key = _run(tmp_path, "apikey", "create", "--name", "基幹系", "--role", "viewer",
                "--organisation", "基幹系ベンダー", "--scope", "view_programs", "--read-only",
                "--rate-limit", "30")  # limited to reading programs, 30 requests a minute
    assert key.returncode == 0 and key.stdout.startswith("mdg_")
    assert "read-only, 30 requests a minute" in key.stderr
    listed = _run(tmp_path, "apikey", "list").stdout.splitlines()
    assert listed[1].split("\t")[-3:] == ["view_programs", "yes", "30"]
    with sqlite3.connect(tmp_path / "var" / "madoguchi.db") as db:
        assert db.execute("SELECT count(*) FROM households").fetchone() == (30,)
        assert db.execute("SELECT count(*) FROM api_keys WHERE key_hash = ?",
                          (key.stdout.strip(),)).fetchone() == (0,)
    assert (tmp_path / "var" / "data.key").stat().st_mode & 0o777 == 0o600


def test_commands_that_need_the_schema_say_so_before_it_exists(tmp_path: Path) -> None:
    result = _run(tmp_path, "demo")
    assert result.returncode == 1
    assert "madoguchi db upgrade" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_first_administrator_is_created_and_a_bad_password_is_refused(tmp_path: Path) -> None:
    _run(tmp_path, "db", "upgrade")

    short = _run(tmp_path, "staff", "create", "--login-id", "kanri", "--name", "管理 一郎",
                 "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "12文字以上" in short.stderr

    made = _run(tmp_path, "staff", "create", "--login-id", "kanri", "--name", "管理 一郎",
                "--password-stdin", stdin="a long enough password\n")
    assert made.returncode == 0, made.stderr
    again = _run(tmp_path, "staff", "create", "--login-id", "kanri", "--name", "管理 一郎",
                 "--password-stdin", stdin="a long enough password\n")
    assert again.returncode == 1 and "すでに使われています" in again.stderr


def test_data_keys_rotate_so_the_old_key_can_be_removed(tmp_path: Path) -> None:
    _run(tmp_path, "db", "upgrade")
    _run(tmp_path, "demo", "--households", "3", "--no-history")
    old = (tmp_path / "var" / "data.key").read_text().strip()
    new = _run(tmp_path, "keys", "generate").stdout.strip()

    rotated = _run(tmp_path, "keys", "rotate", env={"MADOGUCHI_DATA_KEYS": f"{new},{old}"})
    assert rotated.returncode == 0, rotated.stderr
    assert int(rotated.stdout.split()[0]) >= 3

    with_new_only = _run(tmp_path, "demo", "--households", "4", "--no-history",
                         env={"MADOGUCHI_DATA_KEYS": new})
    assert with_new_only.returncode == 0, with_new_only.stderr
    assert "1 households" in with_new_only.stdout


def test_the_database_goes_down_to_base_and_up_again(tmp_path: Path) -> None:
    _run(tmp_path, "db", "upgrade")
    assert "base" in _run(tmp_path, "db", "downgrade", "base").stdout
    assert "current: base" in _run(tmp_path, "db", "current").stdout
    assert _run(tmp_path, "db", "upgrade").returncode == 0


def test_production_refuses_to_start_without_keys(tmp_path: Path) -> None:
    result = _run(tmp_path, "db", "current", env={"MADOGUCHI_ENV": "production",
                                                 "DATABASE_URL": "sqlite:///x.db"})
    assert result.returncode == 1
    assert "MADOGUCHI_DATA_KEYS" in result.stderr


def test_the_demo_town_is_refused_in_production_and_no_demo_account_is_made(
        tmp_path: Path) -> None:
    key = _run(tmp_path, "keys", "generate").stdout.strip()
    database = tmp_path / "town.db"
    production = {
        "MADOGUCHI_ENV": "production", "DATABASE_URL": f"sqlite:///{database}",
        "MADOGUCHI_DATA_KEYS": key, "MADOGUCHI_SECRET_KEY": "s" * 32,
        "MADOGUCHI_MATCH_KEY": "m" * 32, "LINE_CHANNEL_SECRET": "a",
        "LINE_CHANNEL_ACCESS_TOKEN": "b", "MADOGUCHI_IDENTITY_PROVIDER": "oidc",
        "OIDC_ISSUER": "https://issuer.example", "OIDC_CLIENT_ID": "c",
        "OIDC_CLIENT_KEY_FILE": str(tmp_path / "client.key"),
        "MADOGUCHI_PAYMENT_PROVIDER": "paypay", "PAYPAY_API_KEY": "k",
        "PAYPAY_API_SECRET": "s", "PAYPAY_MERCHANT_ID": "m"}
    assert _run(tmp_path, "db", "upgrade", env=production).returncode == 0

    demo = _run(tmp_path, "demo", "--households", "3", env=production)

    assert demo.returncode == 1
    assert "not for production" in demo.stderr and "Traceback" not in demo.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM staff_members").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM households").fetchone() == (0,)


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "registry"


def test_staff_import_a_registry_extract_and_importing_it_again_changes_nothing(
    tmp_path: Path,
) -> None:
    _run(tmp_path, "db", "upgrade")

    first = _run(tmp_path, "registry", "import", str(FIXTURES / "registry_cp932.csv"))
    again = _run(tmp_path, "registry", "import", str(FIXTURES / "registry_utf8.csv"))

    assert first.returncode == 0, first.stderr
    assert "取り込みました" in first.stdout and "新規" in first.stdout
    assert again.returncode == 0 and "変更なし" in again.stdout
    with sqlite3.connect(tmp_path / "var" / "madoguchi.db") as db:
        people = db.execute("SELECT count(*), count(match_person) FROM residents").fetchone()
    assert people[0] > 0 and people[0] == people[1]  # every person has match keys


def test_a_registry_file_with_errors_is_reported_and_nothing_is_imported(tmp_path: Path) -> None:
    _run(tmp_path, "db", "upgrade")
    broken = tmp_path / "broken.csv"
    text = (FIXTURES / "registry_utf8.csv").read_text(encoding="utf-8")
    broken.write_text(text.replace("1985-04-01", "1985-02-30", 1) if "1985-04-01" in text
                      else text + "999,H9,世帯主,誤り 太郎,,1985-02-30,男,見本町1-1-1,,\n",
                      encoding="utf-8")

    result = _run(tmp_path, "registry", "import", str(broken))

    assert result.returncode == 1
    assert "行目" in result.stdout and "何も取り込んでいません" in result.stdout
    with sqlite3.connect(tmp_path / "var" / "madoguchi.db") as db:
        assert db.execute("SELECT count(*) FROM residents").fetchone() == (0,)

