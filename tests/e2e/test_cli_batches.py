"""`madoguchi batch …` as a newcomer runs it right after seeding the demo town."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from adapters.banks.zengin_reading import DataRecord, HeaderRecord, read_transfer_file
from entrypoints.cli import main
from tests.support.isolation import is_app_variable

pytestmark = pytest.mark.e2e

Run = Callable[..., Result]


def _env(data_dir: Path) -> dict[str, str | None]:
    """CliRunner adds `env` to the real environment: the app's variables are unset outright
    (the suite hides them already; this fixture must not depend on it)."""
    env: dict[str, str | None] = {name: None for name in os.environ if is_app_variable(name)}
    env.update({"MADOGUCHI_DATA_DIR": str(data_dir), "MADOGUCHI_TASK_QUEUE": "eager"})
    return env


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo town for the module (seeding is the slow part), copied for each test."""
    home = tmp_path_factory.mktemp("demo-town")
    runner = CliRunner()
    env = _env(home / "var")
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    demo = runner.invoke(main, ["demo", "--households", "12", "--no-history"], env=env)
    assert demo.exit_code == 0, demo.output
    assert "approved bank-transfer batch" in demo.output
    return home


@pytest.fixture
def run(seeded: Path, tmp_path: Path) -> Run:
    shutil.copytree(seeded / "var", tmp_path / "var")
    env = _env(tmp_path / "var")

    def invoke(*args: str) -> Result:
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            return CliRunner().invoke(main, list(args), env=env)
        finally:
            os.chdir(cwd)

    return invoke


def test_the_demo_batch_lists_exports_the_same_file_twice_and_imports_results(
    run: Run, tmp_path: Path,
) -> None:

    listed = run("batch", "list")
    header, *rows = listed.output.strip().splitlines()
    assert header.split("\t")[:7] == ["id", "no", "program", "method", "count", "total",
                                      "state"]
    # the demo program's batch, approved; and the earlier benefit's, paid (accounts on file)
    [row] = [r for r in rows if r.split("\t")[6] == "approved"]
    assert [r.split("\t")[6] for r in rows if r != row] == ["settled"]
    batch_id, number, program, method, count, total, state, _ = row.split("\t")
    assert (method, count, total, state) == ("bank_transfer", "8", "560000", "approved")

    first = run("batch", "export", batch_id, "--out", "transfer.txt")
    assert first.exit_code == 0, first.output
    again = run("batch", "export", number, "--out", "again.txt")
    assert "nothing new is paid" in again.output
    data = (tmp_path / "transfer.txt").read_bytes()
    assert data == (tmp_path / "again.txt").read_bytes()
    assert len(data) == 11 * 122
    records = list(read_transfer_file(io.BytesIO(data)))
    assert isinstance(records[0], HeaderRecord) and records[0].originator_code == "1234567890"
    assert sum(r.amount for r in records if isinstance(r, DataRecord)) == 560_000

    flat = run("batch", "export", batch_id, "--out", "flat.txt",
                "--line-endings", "none")
    assert flat.exit_code == 0
    assert (tmp_path / "flat.txt").read_bytes() == data.replace(b"\r\n", b"")

    (tmp_path / "returned.csv").write_bytes("record,reason\n2,口座なし\n".encode("cp932"))
    imported = run("batch", "import-results", batch_id, "returned.csv",
                    "--kind", "returned", "--settle-rest")
    assert imported.exit_code == 0, imported.output
    assert "settled 7, failed 1" in imported.output
    ledger = run("batch", "ledger", program)
    assert ledger.exit_code == 0 and "balanced" in ledger.output
    assert "partly_failed" in run("batch", "list").output


def test_the_maker_cannot_approve_and_errors_are_japanese_without_tracebacks(
    run: Run, tmp_path: Path,
) -> None:
    batch_id = run("batch", "list").output.strip().splitlines()[1].split("\t")[0]

    missing = run("batch", "export", "nope", "--out", "x.txt")
    assert missing.exit_code == 1 and "見つかりません" in missing.output
    assert not (tmp_path / "x.txt").exists()
    cancel = run("batch", "cancel", batch_id, "--reason", "日付変更",
                  "--by", "worker")
    assert cancel.exit_code == 0, cancel.output
    made = run("batch", "create", "--program", "物価高騰対策給付金（デモ）",
                "--by", "approver", "--date", "2030-01-01")
    assert made.exit_code == 1 and "休業日" in made.output and "2030年1月4日" in made.output
    made = run("batch", "create", "--program", "物価高騰対策給付金（デモ）",
                "--by", "approver", "--date", "2030-01-07")
    assert made.exit_code == 0, made.output
    new_id = made.output.split()[1]
    same = run("batch", "approve", new_id, "--by", "approver")
    assert same.exit_code == 1 and "作成した職員は承認できません" in same.output
    assert "Traceback" not in same.output
    assert run("batch", "approve", new_id, "--by", "admin").exit_code == 0
