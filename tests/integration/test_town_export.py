"""`madoguchi export`: a town seeded through the use cases (tests/support/every_route_town.py)
leaves with everything it owns, decrypted and documented, and nothing secret goes with it."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select

from adapters.persistence import migrating
from adapters.persistence.orm.staff import staff_members
from adapters.town_archive import ZipTownArchive
from application.access.actor import Actor
from application.access.creating_api_key import CreateApiKey, create_api_key, hash_api_key
from application.conversations.state import Conversation
from application.messaging.outbox import OutboxMessage
from application.ports.archives import ArchiveMismatch
from application.ports.messaging import OutgoingMessage
from application.ports.queries import TownFile
from domain.staff import Role
from entrypoints.cli import main
from entrypoints.cli.context import CliContext
from entrypoints.containers import Container
from tests import builders as b
from tests.conftest import TEST_KEY
from tests.support.every_route_town import CASE_PHOTO, PASSBOOK_PHOTO, Town, seed_town

pytestmark = pytest.mark.integration

FORMULA_NAME = '=HYPERLINK("http://evil.example/","開く")'
REPLY_TOKEN = "reply-token-that-must-not-leave"


def _seed(container: Container) -> tuple[Town, str]:
    """The route town, plus what it lacks: a resident whose registry name and address look
    like formulas, one whose name CP932 cannot carry, a conversation with answers, a message
    sent to a resident (with LINE's reply token) and an integrator's API key."""
    town = seed_town(container)
    now = container.clock().now()
    with container.uow() as uow:
        uow.residents.add(b.resident(id="r-formula", resident_number="000000091",
                                     household_number="H0091", name=FORMULA_NAME,
                                     kana="ケイサン シキ", address="=1+1"))
        uow.residents.add(b.resident(id="r-yoshi", resident_number="000000092",
                                     household_number="H0092", name="𠮷田 花子",
                                     kana="ヨシダ ハナコ"))
        talk = Conversation.begin(id="t1", identity_id="c1", procedure_id="certificate",
                                  first_step="purpose", now=now, ttl=dt.timedelta(hours=1))
        talk.answers["purpose"] = "年金の手続き"
        talk.history.append("purpose")
        uow.conversations.add(talk)
        uow.outbox.add(OutboxMessage.of([OutgoingMessage(text="受け付けました。")], id="m1",
                                        channel="line", recipient="U" + "1" * 32, at=now,
                                        reply_token=REPLY_TOKEN))
        uow.commit()
    key = create_api_key(CreateApiKey(name="基幹系連携", role=Role.CASE_WORKER.value,
                                      organisation="基幹系ベンダー", actor=Actor.operator("setup")),
                         uow=container.uow(), ids=container.ids(), clock=container.clock())
    return town, key.secret


def _export(container: Container, path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(CliContext, "container", property(lambda self: container))
    monkeypatch.setattr("getpass.getuser", lambda: "kato")
    return CliRunner().invoke(main, ["export", str(path)])


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _by(rows: list[dict[str, str]], column: str, value: str) -> dict[str, str]:
    found = [row for row in rows if row[column] == value]
    assert len(found) == 1, (column, value, len(found))
    return found[0]


def test_a_town_leaves_with_everything_decrypted_counted_and_checksummed(
        container: Container, engine: Engine, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    town, _ = _seed(container)
    path = tmp_path / "out" / "town.zip"
    path.parent.mkdir()

    result = _export(container, path, monkeypatch)

    assert result.exit_code == 0, result.output
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["town.zip"]  # no temporary file left
    members = _members(path)
    manifest = json.loads(members.pop("manifest.json"))
    assert manifest["format_version"] == 1 and manifest["town"]["name"] == "試験町"
    assert manifest["schema_revision"] == migrating.head_revision()
    assert dt.datetime.fromisoformat(manifest["created_at"]).utcoffset() == dt.timedelta(hours=9)
    photos = {name: data for name, data in members.items() if name.startswith("attachments/")}
    assert photos == {"attachments/k1": PASSBOOK_PHOTO,  # the passbook photo, decrypted
                      "attachments/k2": CASE_PHOTO}  # and the inquiry's

    assert sorted(set(members) - set(photos)) == sorted(e["name"] for e in manifest["files"])
    for entry in manifest["files"]:
        data = members[entry["name"]]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
        if entry["format"] == "csv":
            header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
            assert header == entry["columns"], entry["name"]
            assert len(_csv_rows(data)) == entry["rows"], entry["name"]
        else:
            lines = [json.loads(line) for line in data.decode("utf-8").splitlines()]
            assert len(lines) == entry["rows"]
            assert all(list(line) == entry["columns"] for line in lines)

    residents = _csv_rows(members["residents.csv"])
    head = _by(residents, "resident_id", town.resident)
    assert (head["name"], head["kana"], head["date_of_birth"]) == ("山田 太郎", "ヤマダ タロウ",
                                                                   "1980-04-01")
    formula = _by(residents, "resident_id", "r-formula")
    assert formula["name"] == "'" + FORMULA_NAME and formula["address"] == "'=1+1"
    assert _by(residents, "resident_id", "r-yoshi")["name"] == "𠮷田 花子"
    line = _by(_csv_rows(members["applications.csv"]), "application_id", town.line_application)
    assert (line["payee_bank_code"], line["payee_account_number"]) == ("0001", "7654321")
    issued = _by(_csv_rows(members["certificate_requests.csv"]), "request_id",
                 town.issued_request)
    assert (issued["kind"], issued["issue_state"], issued["fee_per_copy_yen"]) == (
        "resident_record", "issued", "300")
    batch = _by(_csv_rows(members["payment_batches.csv"]), "batch_id", town.failed_batch)
    assert batch["state"] == "partly_failed"
    assert any(row["status"] == "failed" for row in _csv_rows(members["disbursements.csv"]))
    cases = {row["case_id"]: row for row in map(
        json.loads, members["cases.jsonl"].decode("utf-8").splitlines())}
    case, consulting = cases[town.case], cases[town.consultation]
    fees = {row["fee_id"]: row for row in map(
        json.loads, members["fee_payments.jsonl"].decode("utf-8").splitlines())}
    assert fees[town.unpaid_fee]["answers"]["topic"] == "roads"  # decrypted, until it is paid
    assert (fees["fee-paid"]["case_id"], fees["fee-paid"]["payment_state"]) == (
        town.fee_case, "paid")
    assert (case["number"], case["status"], case["answers"]) == (
        "2026-000001", "new", [["内容", "街灯が消えています。"]])  # decrypted
    consultation = _by(_csv_rows(members["consultations.csv"]), "case_id", town.consultation)
    assert (consulting["procedure_id"], consultation["status"]) == ("consultation", "waiting")
    talk = json.loads(members["conversations.jsonl"].decode("utf-8").splitlines()[0])
    assert talk["answers"] == {"purpose": "年金の手続き"} and talk["history"] == ["purpose"]
    assert _by(_csv_rows(members["outbox.csv"]), "message_id", "m1")["text"] == "受け付けました。"
    attachment = _by(_csv_rows(members["attachments.csv"]), "attachment_id", "k1")
    assert (attachment["ref"], attachment["file"]) == (line["passbook_photo"], "attachments/k1")
    staff = _csv_rows(members["staff.csv"])
    assert _by(staff, "login_id", "second-factor")["totp_enabled"] == "true"
    assert _by(_csv_rows(members["api_keys.csv"]), "name", "基幹系連携")["role"] == "case_worker"


def test_no_secret_goes_with_the_export(container: Container, engine: Engine, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    town, api_key = _seed(container)
    path = tmp_path / "town.zip"

    assert _export(container, path, monkeypatch).exit_code == 0

    everything = path.read_bytes() + b"".join(_members(path).values())
    with engine.connect() as connection:
        password_hashes = connection.execute(select(staff_members.c.password_hash)).scalars()
        secrets = [*password_hashes, town.totp_secret, api_key, hash_api_key(api_key),
                   TEST_KEY, REPLY_TOKEN, "$argon2"]
    assert len(secrets) > 8
    assert [s for s in secrets if s.encode() in everything] == []
    assert b"gAAAAA" not in everything  # no value left encrypted (Fernet tokens begin so)


def test_the_export_is_audited_with_the_rows_of_each_file_before_it_is_written(
        container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(container)
    with container.uow() as uow:
        before, _ = uow.audit.head()
    path = tmp_path / "town.zip"

    assert _export(container, path, monkeypatch).exit_code == 0

    with container.uow() as uow:
        records = list(uow.audit.in_order(after_seq=before, limit=10))
    assert [(r.actor_label, r.action, r.target_type) for r in records] == [
        ("cli:kato", "town.export", "town")]
    manifest = json.loads(_members(path)["manifest.json"])
    rows = {entry["name"]: entry["rows"] for entry in manifest["files"]}
    detail = dict(records[0].detail)
    assert detail.pop("files") == len(rows) and detail.pop("rows") == sum(rows.values())
    assert detail == rows
    exported_log = _csv_rows(_members(path)["audit_log.csv"])
    assert int(exported_log[-1]["seq"]) == before  # read in the state before its own record
    assert _chain_breaks(exported_log) == []


def _chain_breaks(log: list[dict[str, str]]) -> list[str]:
    """The audit chain checked from the exported file alone, as docs/export.md describes it
    (not with Madoguchi's own code): the seq of each record whose hash does not hold."""
    broken, previous = [], "0" * 64
    for row in log:
        at = dt.datetime.fromisoformat(row["at"]).astimezone(dt.UTC).replace(tzinfo=None)
        fields = [int(row["seq"]), at.isoformat(timespec="microseconds"), row["actor_id"],
                  row["actor_label"], row["action"], row["target_type"], row["target_id"],
                  row["ip"], json.loads(row["detail"]), row["prev_hash"]]
        text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        if row["prev_hash"] != previous or hashlib.sha256(
                text.encode("utf-8")).hexdigest() != row["hash"]:
            broken.append(row["seq"])
        previous = row["hash"]
    return broken


def test_an_existing_file_is_never_replaced(container: Container, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "town.zip"
    path.write_bytes(b"an older export")

    result = _export(container, path, monkeypatch)

    assert result.exit_code == 1 and "exists already" in result.output
    assert path.read_bytes() == b"an older export"


def test_the_export_reads_one_state_of_the_town_while_others_write(
        container: Container) -> None:
    with container.uow() as uow:
        uow.residents.add(b.resident(id="r1"))
        uow.commit()

    with container.uow() as reading:
        town = reading.queries.town
        town.hold_snapshot()
        assert town.count("residents.csv") == 1
        with container.uow() as writing:  # meanwhile, a resident is added
            writing.residents.add(b.resident(id="r2", resident_number="000000002",
                                             household_number="H0002"))
            writing.commit()
        assert town.count("residents.csv") == 1
        assert [row[0] for row in town.rows("residents.csv", chunk=1)] == ["r1"]

    with container.uow() as uow:
        assert uow.queries.town.count("residents.csv") == 2


def test_rows_are_read_in_chunks_in_a_stable_order(container: Container) -> None:
    with container.uow() as uow:
        for n in range(1, 8):
            uow.residents.add(b.resident(id=f"r{n}", resident_number=f"{n:09d}",
                                         household_number=f"H{n:04d}"))
        uow.commit()

    with container.uow() as uow:
        ids = [row[0] for row in uow.queries.town.rows("residents.csv", chunk=3)]

    assert ids == [f"r{n}" for n in range(1, 8)]


def test_a_file_with_other_rows_than_counted_leaves_nothing_behind(tmp_path: Path) -> None:
    archive = ZipTownArchive(tmp_path / "town.zip", town={"name": "試験町"},
                             schema_revision="0012")
    file = TownFile(name="residents.csv", title="住民", columns=("resident_id",))

    with pytest.raises(ArchiveMismatch):
        archive.write([file], lambda _file: iter([("r1",), ("r2",)]),
                      expected={"residents.csv": 1},
                      created_at=dt.datetime(2026, 12, 4, tzinfo=dt.UTC))

    assert list(tmp_path.iterdir()) == []


def test_without_hard_links_the_archive_still_appears_at_once_and_never_replaces_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*_args: object) -> None:
        raise PermissionError("no hard links on this file system")

    monkeypatch.setattr("os.link", no_links)
    file = TownFile(name="residents.csv", title="住民", columns=("resident_id",))
    at = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)

    written = ZipTownArchive(tmp_path / "town.zip", town={}, schema_revision="0012").write(
        [file], lambda _file: iter([("r1",)]), expected={"residents.csv": 1}, created_at=at)

    assert written == {"residents.csv": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["town.zip"]
    assert (tmp_path / "town.zip").stat().st_mode & 0o777 == 0o600
    assert b"r1" in _members(tmp_path / "town.zip")["residents.csv"]
