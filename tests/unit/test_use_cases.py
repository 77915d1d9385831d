"""Use cases against in-memory fakes: no database, no network."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest

from application.access.authenticating_api_key import authenticate_api_key
from application.access.creating_api_key import CreateApiKey, create_api_key
from application.access.revoking_api_key import revoke_api_key
from application.access.views import api_keys
from application.benefits.changing_program_status import (
    ChangeProgramStatus,
    change_program_status,
)
from application.benefits.creating_program import CreateProgram, create_program
from application.jobs.catalog import JobCatalog
from application.jobs.job import JobStatus
from application.jobs.running import JobCrashed, run_job, start_job
from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
from domain.benefits import PayoutMethod, ProgramStatus
from domain.errors import DomainError, IllegalTransition, InvalidValue, NotAllowed, NotFound
from domain.staff import Role, StaffMember
from tests.builders import actor
from tests.fakes import (
    JST,
    FakeClock,
    FakeDatabase,
    FakeUnitOfWork,
    PlainHasher,
    SequentialIds,
    fake_uow_factory,
)

pytestmark = pytest.mark.unit

ADMIN = actor(id="admin-1", role=Role.ADMINISTRATOR, label="admin")


def _program_command(**overrides: Any) -> CreateProgram:
    fields: dict[str, Any] = {
        "actor": ADMIN, "name": "物価高騰対策給付金", "amount_yen": 70_000,
        "eligibility_source": "住民税非課税世帯",
        "opens_at": dt.datetime(2026, 6, 1, tzinfo=JST),
        "closes_at": dt.datetime(2026, 8, 1, tzinfo=JST),
        "payout_methods": ("bank_transfer", "atm_cash"),
    }
    fields.update(overrides)
    return CreateProgram(**fields)


@pytest.fixture
def database() -> FakeDatabase:
    return FakeDatabase()


def test_staff_create_a_program_as_a_draft(database: FakeDatabase) -> None:
    program_id = create_program(_program_command(), uow=FakeUnitOfWork(database),
                                ids=SequentialIds(), clock=FakeClock())

    with FakeUnitOfWork(database) as uow:
        program = uow.programs.get(program_id)
    assert program.status is ProgramStatus.DRAFT
    assert program.payout_methods == {PayoutMethod.BANK_TRANSFER, PayoutMethod.ATM_CASH}


def test_a_program_with_a_name_already_used_is_refused(database: FakeDatabase) -> None:
    create_program(_program_command(), uow=FakeUnitOfWork(database), ids=SequentialIds("a"),
                   clock=FakeClock())

    with pytest.raises(InvalidValue, match="すでに登録されています"):
        create_program(_program_command(), uow=FakeUnitOfWork(database), ids=SequentialIds("b"),
                       clock=FakeClock())
    with FakeUnitOfWork(database) as uow:
        assert len(uow.queries.benefits.programs()) == 1


@pytest.mark.parametrize("overrides, fragment", [
    ({"payout_methods": ("cheque",)}, "支給方法"),
    ({"payout_methods": ()}, "支給方法を1つ以上"),
    ({"amount_yen": 0}, "1円以上"),
    ({"name": "  "}, "名称"),
    ({"closes_at": dt.datetime(2026, 5, 1, tzinfo=JST)}, "申請期間"),
])
def test_a_program_with_bad_input_is_refused_and_nothing_is_stored(
    database: FakeDatabase, overrides: dict[str, Any], fragment: str,
) -> None:
    with pytest.raises(InvalidValue, match=fragment):
        create_program(_program_command(**overrides), uow=FakeUnitOfWork(database),
                       ids=SequentialIds(), clock=FakeClock())
    with FakeUnitOfWork(database) as uow:
        assert uow.queries.benefits.programs() == []


def test_a_program_is_opened_closed_and_cannot_reopen_once_withdrawn(
    database: FakeDatabase,
) -> None:
    program_id = create_program(_program_command(), uow=FakeUnitOfWork(database),
                                ids=SequentialIds(), clock=FakeClock())

    def change(status: str) -> ProgramStatus:
        return change_program_status(ChangeProgramStatus(program_id, status, ADMIN),
                                     uow=FakeUnitOfWork(database), clock=FakeClock())

    assert change("open") is ProgramStatus.OPEN
    assert change("closed") is ProgramStatus.CLOSED
    with pytest.raises(InvalidValue, match="理由"):  # a withdrawal takes a reason and checks
        change("withdrawn")
    with pytest.raises(IllegalTransition):
        change("closed")
    with pytest.raises(InvalidValue):
        change("paused")
    with pytest.raises(NotFound):
        change_program_status(ChangeProgramStatus("nope", "open", ADMIN),
                              uow=FakeUnitOfWork(database), clock=FakeClock())


def test_an_api_key_is_shown_once_and_only_its_hash_is_kept(database: FakeDatabase) -> None:
    created = create_api_key(CreateApiKey(name="基幹系連携", role="case_worker", actor=ADMIN,
                                          organisation="基幹系ベンダー"),
                             uow=FakeUnitOfWork(database), ids=SequentialIds(),
                             clock=FakeClock())

    with FakeUnitOfWork(database) as uow:
        stored = uow.api_keys.get(created.id)
    assert created.secret.startswith("mdg_")
    assert created.secret not in repr(vars(stored))
    key = authenticate_api_key(created.secret, uow=FakeUnitOfWork(database))
    assert key is not None and key.role is Role.CASE_WORKER


def test_an_unknown_or_revoked_api_key_does_not_authenticate(database: FakeDatabase) -> None:
    clock = FakeClock()
    created = create_api_key(CreateApiKey(name="x", role="viewer", actor=ADMIN,
                                          organisation="x"),
                             uow=FakeUnitOfWork(database), ids=SequentialIds(), clock=clock)
    with FakeUnitOfWork(database) as uow:
        uow.api_keys.get(created.id).revoke(clock.now())
        uow.commit()

    assert authenticate_api_key(created.secret, uow=FakeUnitOfWork(database)) is None


def test_an_administrator_revokes_a_key_once_and_it_stays_listed(database: FakeDatabase) -> None:
    clock = FakeClock()
    created = create_api_key(CreateApiKey(name="旧連携", role="viewer", actor=ADMIN,
                                          organisation="旧ベンダー"),
                             uow=FakeUnitOfWork(database), ids=SequentialIds(), clock=clock)
    with pytest.raises(NotAllowed):
        revoke_api_key(created.id, actor=actor(role=Role.APPROVER), uow=FakeUnitOfWork(database),
                       clock=clock)
    with pytest.raises(NotFound):
        revoke_api_key("nope", actor=ADMIN, uow=FakeUnitOfWork(database), clock=clock)

    revoked = revoke_api_key(created.id, actor=ADMIN, uow=FakeUnitOfWork(database), clock=clock)
    again = revoke_api_key(created.id, actor=ADMIN, uow=FakeUnitOfWork(database), clock=clock)
    [line] = api_keys(uow=FakeUnitOfWork(database))

    assert revoked.revoked_at == again.revoked_at == clock.now()
    assert authenticate_api_key(created.secret, uow=FakeUnitOfWork(database)) is None
    assert (line.key.id, line.owner) == (created.id, "organisation:旧ベンダー")
    assert [(r.action, r.detail.get("owner")) for r in database.tables["audit"].values()] == [
        ("api_key.create", "org:旧ベンダー"), ("api_key.revoke", "org:旧ベンダー")]
    assert authenticate_api_key("mdg_unknown", uow=FakeUnitOfWork(database)) is None
    assert authenticate_api_key("", uow=FakeUnitOfWork(database)) is None


def test_an_api_key_with_an_unknown_role_is_refused(database: FakeDatabase) -> None:
    with pytest.raises(InvalidValue, match="役割"):
        create_api_key(CreateApiKey(name="x", role="root", actor=ADMIN, organisation="x"),
                       uow=FakeUnitOfWork(database), ids=SequentialIds(), clock=FakeClock())


def _member(database: FakeDatabase, *, active: bool = True) -> StaffMember:
    member = StaffMember(id="s-kato", login_id="kato", display_name="加藤", role=Role.APPROVER,
                         password_hash="x", active=active)
    with FakeUnitOfWork(database) as uow:
        uow.staff.add(member)
        uow.commit()
    return member


@pytest.mark.parametrize(("staff", "organisation"), [("", ""), ("kato", "基幹系ベンダー")],
                         ids=["nobody", "both"])
def test_an_api_key_is_made_for_one_staff_member_or_one_organisation(
        database: FakeDatabase, staff: str, organisation: str) -> None:
    _member(database)
    with pytest.raises(InvalidValue) as refused:
        create_api_key(CreateApiKey(name="x", role="viewer", actor=ADMIN, staff_login_id=staff,
                                    organisation=organisation),
                       uow=FakeUnitOfWork(database), ids=SequentialIds(), clock=FakeClock())
    assert refused.value.code == "no_party"
    assert database.tables["api_keys"] == {}


@pytest.mark.parametrize("active", [True, False], ids=["unknown", "inactive"])
def test_a_key_for_a_staff_member_needs_an_active_member(database: FakeDatabase,
                                                         active: bool) -> None:
    _member(database, active=active)
    with pytest.raises(NotFound, match="有効な職員"):
        create_api_key(CreateApiKey(name="x", role="viewer", actor=ADMIN,
                                    staff_login_id="sato" if active else "kato"),
                       uow=FakeUnitOfWork(database), ids=SequentialIds(), clock=FakeClock())


def test_a_staff_member_s_key_acts_for_them_and_stops_when_they_are_deactivated(
        database: FakeDatabase) -> None:
    member = _member(database)
    created = create_api_key(CreateApiKey(name="加藤の連携", role="viewer", actor=ADMIN,
                                          staff_login_id=" Kato "),
                             uow=FakeUnitOfWork(database), ids=SequentialIds(),
                             clock=FakeClock())
    key = authenticate_api_key(created.secret, uow=FakeUnitOfWork(database))
    [made] = [r for r in database.tables["audit"].values() if r.action == "api_key.create"]
    with FakeUnitOfWork(database) as uow:
        uow.staff.get(member.id).active = False
        uow.commit()

    assert key is not None and (key.staff_id, key.party) == ("s-kato", "s-kato")
    assert made.detail["owner"] == "s-kato"
    assert authenticate_api_key(created.secret, uow=FakeUnitOfWork(database)) is None


def test_a_staff_member_is_created_with_a_hashed_password(database: FakeDatabase) -> None:
    staff_id = create_staff_member(
        CreateStaffMember(login_id="Tanaka", display_name="田中 一郎", role="administrator",
                          password="correct horse battery", actor=ADMIN),
        uow=FakeUnitOfWork(database), ids=SequentialIds(), hasher=PlainHasher(),
        clock=FakeClock())

    with FakeUnitOfWork(database) as uow:
        member = uow.staff.get(staff_id)
    assert member.login_id == "tanaka"
    assert PlainHasher().verify(member.password_hash, "correct horse battery")


@pytest.mark.parametrize("login_id, password, fragment", [
    ("tanaka", "short", "12文字以上"),
    ("x", "correct horse battery", "ログインID"),
])
def test_a_staff_member_with_bad_input_is_refused(database: FakeDatabase, login_id: str,
                                                  password: str, fragment: str) -> None:
    with pytest.raises(InvalidValue, match=fragment):
        create_staff_member(CreateStaffMember(login_id=login_id, display_name="田中",
                                              role="viewer", password=password, actor=ADMIN),
                            uow=FakeUnitOfWork(database), ids=SequentialIds(),
                            hasher=PlainHasher(), clock=FakeClock())


def test_a_second_staff_member_with_the_same_login_id_is_refused(database: FakeDatabase) -> None:
    command = CreateStaffMember(login_id="tanaka", display_name="田中", role="viewer",
                                password="correct horse battery", actor=ADMIN)
    create_staff_member(command, uow=FakeUnitOfWork(database), ids=SequentialIds("a"),
                        hasher=PlainHasher(), clock=FakeClock())

    with pytest.raises(InvalidValue, match="すでに使われています"):
        create_staff_member(command, uow=FakeUnitOfWork(database), ids=SequentialIds("b"),
                            hasher=PlainHasher(), clock=FakeClock())


class _Queue:
    def __init__(self) -> None:
        self.enqueued: list[str] = []

    def enqueue(self, job_id: str) -> None:
        self.enqueued.append(job_id)


def _catalog(handler: Any) -> JobCatalog:
    catalog = JobCatalog()
    catalog.register("work", handler, label="作業")
    return catalog


def test_a_started_job_is_stored_then_queued(database: FakeDatabase) -> None:
    queue = _Queue()
    job_id = start_job("work", {"n": 1}, uow=FakeUnitOfWork(database), queue=queue,
                       catalog=_catalog(lambda p, progress: {}), ids=SequentialIds(),
                       clock=FakeClock())

    assert queue.enqueued == [job_id]
    with FakeUnitOfWork(database) as uow:
        assert uow.jobs.get(job_id).status is JobStatus.QUEUED


def test_unknown_work_is_refused_before_anything_is_stored(database: FakeDatabase) -> None:
    queue = _Queue()
    with pytest.raises(NotFound):
        start_job("nothing", {}, uow=FakeUnitOfWork(database), queue=queue,
                  catalog=JobCatalog(), ids=SequentialIds(), clock=FakeClock())
    assert queue.enqueued == []


def _started(database: FakeDatabase, handler: Any) -> tuple[str, JobCatalog]:
    catalog = _catalog(handler)
    job_id = start_job("work", {"n": 2}, uow=FakeUnitOfWork(database), queue=_Queue(),
                       catalog=catalog, ids=SequentialIds(), clock=FakeClock())
    return job_id, catalog


def test_a_job_runs_once_with_its_progress_and_result(database: FakeDatabase) -> None:
    calls: list[dict[str, Any]] = []

    def handler(payload: dict[str, Any], progress: Any) -> dict[str, Any]:
        calls.append(payload)
        progress(1, 2)
        return {"done": payload["n"]}

    job_id, catalog = _started(database, handler)
    run = fake_uow_factory(database)

    assert run_job(job_id, uow_factory=run, catalog=catalog, clock=FakeClock()) \
        is JobStatus.SUCCEEDED
    assert run_job(job_id, uow_factory=run, catalog=catalog, clock=FakeClock()) \
        is JobStatus.SUCCEEDED
    assert calls == [{"n": 2}]
    with FakeUnitOfWork(database) as uow:
        job = uow.jobs.get(job_id)
    assert (job.result, job.progress_done, job.progress_total) == ({"done": 2}, 2, 2)


def test_a_job_that_raises_a_domain_error_fails_with_its_message(database: FakeDatabase) -> None:
    def handler(payload: dict[str, Any], progress: Any) -> dict[str, Any]:
        raise DomainError("3行目: 生年月日が読み取れません。")

    job_id, catalog = _started(database, handler)

    status = run_job(job_id, uow_factory=fake_uow_factory(database), catalog=catalog,
                     clock=FakeClock())

    assert status is JobStatus.FAILED
    with FakeUnitOfWork(database) as uow:
        assert uow.jobs.get(job_id).error == "3行目: 生年月日が読み取れません。"


def test_a_job_that_crashes_is_marked_failed_and_may_be_retried(database: FakeDatabase) -> None:
    attempts: list[int] = []

    def handler(payload: dict[str, Any], progress: Any) -> dict[str, Any]:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("bank host unreachable")
        return {}

    job_id, catalog = _started(database, handler)
    run = fake_uow_factory(database)

    with pytest.raises(JobCrashed):
        run_job(job_id, uow_factory=run, catalog=catalog, clock=FakeClock())
    with FakeUnitOfWork(database) as uow:
        failed = uow.jobs.get(job_id)
    assert failed.status is JobStatus.FAILED
    assert "bank host" not in failed.error
    assert "ConnectionError" in failed.error

    assert run_job(job_id, uow_factory=run, catalog=catalog, clock=FakeClock()) \
        is JobStatus.SUCCEEDED


def test_a_crashing_job_logs_its_id_and_the_error_type_but_never_the_message(
        database: FakeDatabase, caplog: pytest.LogCaptureFixture) -> None:
    def handler(payload: dict[str, Any], progress: Any) -> dict[str, Any]:
        raise ValueError("行3: 山田太郎 岡山県総社市中央一丁目1番1号")

    job_id, catalog = _started(database, handler)

    with caplog.at_level(logging.DEBUG), pytest.raises(JobCrashed) as crashed:
        run_job(job_id, uow_factory=fake_uow_factory(database), catalog=catalog,
                clock=FakeClock())

    logged = caplog.text + "".join(str(r.exc_info) for r in caplog.records)
    assert job_id in logged and "ValueError" in logged
    assert "山田" not in logged and "総社市" not in logged
    assert "山田" not in str(crashed.value) and crashed.value.__cause__ is None
    with FakeUnitOfWork(database) as uow:
        assert "山田" not in uow.jobs.get(job_id).error


def test_a_running_job_is_taken_over_only_after_its_lease_lapsed(database: FakeDatabase) -> None:
    job_id, catalog = _started(database, lambda p, progress: {})
    clock = FakeClock()
    with FakeUnitOfWork(database) as uow:
        uow.jobs.get(job_id).start(now=clock.now(), lease=dt.timedelta(minutes=30))
        uow.commit()
    run = fake_uow_factory(database)

    clock.advance(seconds=10)  # the lease is 15 s, renewed while the worker is alive
    assert run_job(job_id, uow_factory=run, catalog=catalog, clock=clock) is JobStatus.RUNNING
    clock.advance(seconds=10)
    assert run_job(job_id, uow_factory=run, catalog=catalog, clock=clock) \
        is JobStatus.SUCCEEDED
