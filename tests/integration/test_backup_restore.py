"""`madoguchi backup` and `madoguchi restore`: a town with a resident, backed up while the app
runs, restored into a fresh data directory and database, and read back through the app; and
every backup that must not be restored refused, changing nothing (ADR 0034)."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from adapters.backup.key_ring import KeyRing
from adapters.backup.taking import take_backup
from adapters.crypto import new_key
from adapters.persistence import migrating
from adapters.persistence.database import make_engine, normalize_url
from adapters.persistence.orm.residents import households, residents
from application.audit.verifying_chain import verify_audit_chain
from entrypoints.cli import main
from entrypoints.cli.context import CliContext, operator
from entrypoints.config import Settings
from entrypoints.containers import Container, build_container, shutdown
from entrypoints.key_ring import check_key_ring
from tests import builders as b
from tests.conftest import TEST_KEY

pytestmark = pytest.mark.integration

PASSPHRASE = "the town keeps this passphrase in its safe"


@pytest.fixture
def town(container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Container:
    """A town with one resident, its data key kept as data.key in the data directory (the
    default installation), and the command line running on it."""
    key_file = tmp_path / "data.key"
    key_file.write_text(TEST_KEY)
    key_file.chmod(0o600)
    seed(container, "r1", "H0001", name="窓口 花子", kana="マドグチ ハナコ")
    monkeypatch.setattr(CliContext, "container", property(lambda self: container))
    return container


def seed(container: Container, resident_id: str, household: str, **facts: object) -> None:
    with container.uow() as uow:
        uow.residents.add(b.resident(id=resident_id, resident_number=f"R{household}",
                                     household_number=household, **facts))
        uow.households.add(b.household(id=f"h-{resident_id}", household_number=household,
                                       head_resident_id=resident_id))
        uow.commit()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where backups are written, apart from the data directory; the passphrase file in it."""
    made = tmp_path / "backups"
    made.mkdir()
    (made / "passphrase").write_text(PASSPHRASE + "\n")
    return made


@pytest.fixture
def target(container: Container, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A fresh data directory, and a fresh database of the same kind: a SQLite file in the
    directory, or a new PostgreSQL database made for the test and dropped after it."""
    data_dir = tmp_path / "restored"
    url = make_url(container.config.database_url())
    if url.get_backend_name() == "sqlite":
        yield data_dir, f"sqlite:///{data_dir / 'madoguchi.db'}"
        return
    checkout = hashlib.sha1(str(Path(__file__).resolve().parent).encode()).hexdigest()[:6]
    name = f"madoguchi_restore_{checkout}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(normalize_url(url.render_as_string(hide_password=False)),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield data_dir, url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def backup(folder: Path, name: str = "town.mdgbak") -> Path:
    result = CliRunner().invoke(main, ["backup", str(folder / name), "--passphrase-file",
                                       str(folder / "passphrase")])
    assert result.exit_code == 0, result.output
    return folder / name


def restore(backup_file: Path, target: tuple[Path, str], *more: str,
            passphrase: Path | None = None) -> Result:
    data_dir, url = target
    return CliRunner().invoke(main, [
        "restore", str(backup_file), "--data-dir", str(data_dir), "--database-url", url,
        "--passphrase-file", str(passphrase or backup_file.parent / "passphrase"), *more])


def read_back(target: tuple[Path, str], **env: str) -> tuple[str, list[tuple[str, str]]]:
    """The resident's name and the audit log's (actor, action), read by the app started on
    the restored data directory and database with nothing else configured."""
    data_dir, url = target
    restored = build_container(Settings.from_env({
        "MADOGUCHI_ENV": "test", "MADOGUCHI_DATA_DIR": str(data_dir), "DATABASE_URL": url,
        "MADOGUCHI_TASK_QUEUE": "eager", **env}))
    try:
        check_key_ring(restored)
        with restored.uow() as uow:
            resident = uow.residents.get("r1")
            assert resident is not None and resident.facts is not None
            audit = [(r.actor_label, r.action) for r in uow.audit.in_order(after_seq=0,
                                                                            limit=100)]
            name = resident.facts.name.name
        assert verify_audit_chain(uow_factory=restored.uow).intact
        return name, audit
    finally:
        shutdown(restored)
        restored.engine().dispose()


def untouched(target: tuple[Path, str]) -> bool:
    data_dir, url = target
    if data_dir.exists():
        return False
    if url.startswith("sqlite"):
        return True
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = 'public'")).scalar() == 0
    finally:
        engine.dispose()


def test_a_backup_restored_into_a_fresh_data_directory_reads_the_resident_back(
        town: Container, folder: Path, target: tuple[Path, str]) -> None:
    backup_file = backup(folder)

    assert backup_file.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["passphrase", "town.mdgbak"]
    assert TEST_KEY.encode() not in backup_file.read_bytes()
    restored = restore(backup_file, target)

    assert restored.exit_code == 0, restored.output
    assert "(current); the restore is in the audit log" in restored.output
    data_dir = target[0]
    for name in ("data.key", "match.key", "secret.key"):
        assert (data_dir / name).stat().st_mode & 0o777 == 0o600
    if target[1].startswith("sqlite"):
        assert (data_dir / "madoguchi.db").stat().st_mode & 0o777 == 0o600
    assert (data_dir / "match.key").read_text() == town.config.match_key()
    name, audit = read_back(target)
    assert name == "窓口 花子"
    who = operator().label
    assert audit[-2:] == [(who, "backup.create"), (who, "backup.restore")]
    assert [p.name for p in data_dir.iterdir() if p.name.startswith(".")] == []


def test_a_wrong_passphrase_is_refused_and_changes_nothing(
        town: Container, folder: Path, target: tuple[Path, str]) -> None:
    backup_file = backup(folder)
    wrong = folder / "wrong"
    wrong.write_text("not the passphrase of this backup\n")

    result = restore(backup_file, target, passphrase=wrong)

    assert result.exit_code == 1
    assert "the passphrase does not open this backup; nothing was changed" in result.output
    assert untouched(target)


def test_a_tampered_backup_is_refused_and_changes_nothing(
        town: Container, folder: Path, target: tuple[Path, str]) -> None:
    backup_file = backup(folder)
    data = bytearray(backup_file.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup_file.write_bytes(bytes(data))

    result = restore(backup_file, target)

    assert result.exit_code == 1
    assert "was changed after it was written; nothing was changed" in result.output
    assert untouched(target)


def test_a_backup_whose_key_ring_does_not_open_its_database_is_refused(
        town: Container, folder: Path, target: tuple[Path, str]) -> None:
    other = new_key()  # a second ring, as if data.key had been made again elsewhere
    swapped = KeyRing(data_keys=(other,), match_key="0" * 64,
                      files={"data.key": other.encode(), "match.key": b"0" * 64})
    backup_file = folder / "swapped.mdgbak"
    take_backup(database_url=town.config.database_url(), engine=town.engine(),
                key_ring=swapped, target=backup_file, passphrase=PASSPHRASE,
                now=town.clock().now())

    result = restore(backup_file, target)

    assert result.exit_code == 1
    assert f"the key ring in this backup ({swapped.fingerprint}) does not open its database" \
        in result.output
    assert untouched(target)


def test_restore_refuses_to_replace_a_town_or_other_keys_unless_forced_and_names_them(
        town: Container, folder: Path, target: tuple[Path, str]) -> None:
    backup_file = backup(folder)
    assert restore(backup_file, target).exit_code == 0
    data_dir = target[0]
    (data_dir / "data.key").write_text(new_key())

    refused = restore(backup_file, target)

    assert refused.exit_code == 1
    assert "the database holds tables" in refused.output
    assert f"{data_dir / 'data.key'} holds other keys" in refused.output
    forced = restore(backup_file, target, "--force")
    assert forced.exit_code == 0, forced.output
    assert f"replaced: {data_dir / 'data.key'} (moved to" in forced.output
    assert "replaced:" in forced.output.replace(f"replaced: {data_dir / 'data.key'}", "", 1)
    assert (data_dir / "data.key").read_text() == TEST_KEY
    assert read_back(target)[0] == "窓口 花子"


def test_keys_from_the_environment_are_restored_into_a_private_file_to_configure(
        container: Container, folder: Path, target: tuple[Path, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    seed(container, "r1", "H0001", name="窓口 花子", kana="マドグチ ハナコ")
    monkeypatch.setattr(CliContext, "container", property(lambda self: container))
    backup_file = backup(folder)  # the test container reads MADOGUCHI_DATA_KEYS
    stray = target[0] / "data.key"  # a ring made beside the target would shadow the keys
    target[0].mkdir()
    stray.write_text(new_key())
    refused = restore(backup_file, target)
    assert refused.exit_code == 1 and f"{stray} holds other keys" in refused.output
    stray.unlink()

    result = restore(backup_file, target)

    assert result.exit_code == 0, result.output
    keys_env = target[0] / "restored-keys.env"
    assert f"the backup's keys came from the environment: they are in {keys_env}" \
        in result.output
    assert keys_env.stat().st_mode & 0o777 == 0o600
    assert not (target[0] / "data.key").exists()
    settings = dict(line.split("=", 1) for line in keys_env.read_text().splitlines())
    assert settings["MADOGUCHI_DATA_KEYS"] == TEST_KEY
    assert read_back(target, **settings)[0] == "窓口 花子"


def test_a_backup_taken_while_the_app_writes_is_consistent(
        town: Container, folder: Path, target: tuple[Path, str]) -> None:
    """Each write adds a resident and their household in one transaction: a consistent copy
    holds as many of one as of the other."""
    stop, written = threading.Event(), []

    def write() -> None:
        while not stop.is_set():
            number = len(written) + 2
            seed(town, f"r{number}", f"H{number:04d}")
            written.append(number)

    writer = threading.Thread(target=write, name="backup-test-writer")
    writer.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        backup_file = backup(folder)
    finally:
        stop.set()
        writer.join()
    assert restore(backup_file, target).exit_code == 0
    engine = create_engine(normalize_url(target[1]))
    try:
        with engine.connect() as connection:
            resident_count = connection.execute(
                select(func.count()).select_from(residents)).scalar()
            household_count = connection.execute(
                select(func.count()).select_from(households)).scalar()
    finally:
        engine.dispose()
    assert resident_count == household_count >= 6
    assert len(written) + 1 >= resident_count


def test_a_short_passphrase_is_refused_and_the_environment_s_is_used(
        town: Container, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MADOGUCHI_BACKUP_PASSPHRASE", "too short")
    short = CliRunner().invoke(main, ["backup", str(folder / "a.mdgbak")])
    assert short.exit_code == 1 and "12 characters or more" in short.output
    assert not (folder / "a.mdgbak").exists()

    monkeypatch.setenv("MADOGUCHI_BACKUP_PASSPHRASE", PASSPHRASE)
    taken = CliRunner().invoke(main, ["backup", str(folder / "a.mdgbak")])
    assert taken.exit_code == 0, taken.output
    again = CliRunner().invoke(main, ["backup", str(folder / "a.mdgbak")])
    assert again.exit_code == 1 and "already exists" in again.output


def test_a_backup_of_an_older_schema_is_restored_with_word_to_upgrade(
        tmp_path: Path, folder: Path) -> None:
    older = tmp_path / "older" / "madoguchi.db"
    engine = make_engine(f"sqlite:///{older}")
    try:
        scripts = ScriptDirectory(str(migrating.MIGRATIONS))  # the revision before the head
        previous = str(scripts.get_revision(migrating.head_revision()).down_revision)
        migrating.upgrade(engine, str(previous))
        take_backup(database_url=f"sqlite:///{older}", engine=engine,
                    key_ring=KeyRing(data_keys=(TEST_KEY,), match_key="0" * 64,
                                     files={"data.key": TEST_KEY.encode()}),
                    target=folder / "older.mdgbak", passphrase=PASSPHRASE,
                    now=b.OPENS)
    finally:
        engine.dispose()

    result = restore(folder / "older.mdgbak",
                     (tmp_path / "restored", f"sqlite:///{tmp_path / 'restored' / 'm.db'}"))

    assert result.exit_code == 0, result.output
    assert f"the restored schema is at revision {previous}" in result.output
    assert "run `madoguchi db upgrade` before starting the app" in result.output
