"""The suite run as a developer runs it, from a shell of their own: it leaves the database their
`DATABASE_URL` names alone, and it fails a test that leaves a thread running. Each case runs
pytest in a child process whose environment is that shell's."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.isolation import is_app_variable

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _pytest(tmp_path: Path, *args: str, env: dict[str, str],
            cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # Not this run's own settings: its xdist worker name (the child would drop and recreate
    # this worker's PostgreSQL database), its opt-in services, its options, its data directory.
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith(("PYTEST_", "TEST_")) and not is_app_variable(name)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
         f"--basetemp={tmp_path / 'basetemp'}", *args],
        cwd=cwd, env={**inherited, **env}, capture_output=True, text=True, timeout=300)


def test_a_developers_database_url_is_left_untouched_by_the_command_line_tests(
        tmp_path: Path) -> None:
    database = tmp_path / "developer.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE mine (note TEXT)")
        connection.execute("INSERT INTO mine VALUES ('the developer''s own data')")
    connection.close()
    before = (database.read_bytes(), database.stat().st_mtime_ns)
    shell = {"DATABASE_URL": f"sqlite:///{database}",
             "MADOGUCHI_DATA_DIR": str(tmp_path / "developer-var"),
             "MADOGUCHI_TASK_QUEUE": "in_process"}

    run = _pytest(tmp_path, str(ROOT / "tests" / "e2e" / "test_cli_batches.py"), env=shell)

    assert (database.read_bytes(), database.stat().st_mtime_ns) == before
    assert not (tmp_path / "developer-var").exists()
    assert run.returncode == 0, run.stdout + run.stderr


LEAKY_TESTS = '''
import threading

import tests.conftest

tests.conftest.THREAD_GRACE_SECONDS = 0.2  # the leak below never ends: do not wait long for it


def test_leaves_a_pump_running():
    forever = threading.Event()
    threading.Thread(target=forever.wait, name="madoguchi-outbox", daemon=True).start()


def test_stops_the_thread_it_started():
    done = threading.Event()
    thread = threading.Thread(target=done.wait, name="madoguchi-jobs")
    thread.start()
    done.set()
    thread.join()
'''


def test_a_test_that_leaves_a_thread_running_fails_with_the_threads_name(
        tmp_path: Path) -> None:
    (tmp_path / "test_leaky.py").write_text(LEAKY_TESTS)

    run = _pytest(tmp_path, "-p", "tests.conftest", str(tmp_path / "test_leaky.py"),
                  env={"PYTHONPATH": str(ROOT)})

    assert run.returncode == 1, run.stdout + run.stderr
    assert ("test_leaky.py::test_leaves_a_pump_running left threads running: "
            "madoguchi-outbox (daemon)") in run.stdout
    assert "module test_leaky left threads running: madoguchi-outbox (daemon)" in run.stdout
    assert "test_stops_the_thread_it_started left threads" not in run.stdout
    assert "2 passed, 2 errors" in run.stdout
